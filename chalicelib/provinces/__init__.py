"""Province profiles: data files, loaded and validated once per process."""

from chalicelib.provinces.loader import ProfileError, available_profiles, load_profile

__all__ = ["ProfileError", "available_profiles", "load_profile"]
