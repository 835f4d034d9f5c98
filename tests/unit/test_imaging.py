"""The image codec, bytes in and bytes out: identification, the hostile corpus, privacy, one scaled decode."""

from __future__ import annotations

import io
import struct

import media_corpus as corpus
import pytest
from PIL import Image, JpegImagePlugin

from chalicelib.adapters import imaging
from chalicelib.adapters.imaging import check_video, exif_datetime, gps_decimal, make_renditions, sniff
from chalicelib.rules.media import REJECTIONS, MediaRejected, parse_raw_key, rejection_text, target_size


def reopen(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def assert_no_metadata(data: bytes) -> None:
    """A rendition read back carries no EXIF (so no GPS), no XMP, no ICC profile, no comment."""
    im = reopen(data)
    assert im.format == "WEBP"
    assert not im.getexif(), "EXIF left in a rendition"
    assert not im.getexif().get_ifd(0x8825), "GPS left in a rendition"
    for key in ("exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"):
        assert not im.info.get(key), f"{key} left in a rendition"
    assert b"Exif" not in data and b"EXIF" not in data and b"XMP " not in data and b"ICCP" not in data


# -- identification by bytes ------------------------------------------------------------


@pytest.mark.parametrize(("head", "kind", "mime"), [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "photo", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "photo", "image/png"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "photo", "image/webp"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "photo", "image/heic"),
    (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", "photo", "image/heif"),
    (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isommp41", "video", "video/mp4"),
    (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", "video", "video/quicktime"),
])
def test_sniff_names_allowed_formats_by_magic_numbers(head, kind, mime):
    found = sniff(head)
    assert (found.kind, found.mime) == (kind, mime)


@pytest.mark.parametrize(("head", "label"), [
    (b"GIF89a\x01\x00", "GIF"), (b"PK\x03\x04", "ZIP"), (b"%PDF-1.7", "PDF"), (b"II*\x00", "TIFF"),
    (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "AVIF"),
    (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avifmiaf", "AVIF"),
    (b"<svg xmlns=", "unknown"), (b"", "unknown"),
])
def test_sniff_refuses_everything_off_the_allow_list(head, label):
    found = sniff(head)
    assert not found.supported and found.label == label


# -- the hostile corpus -------------------------------------------------------------------


@pytest.mark.parametrize("case", corpus.corpus(), ids=lambda c: c.name)
def test_each_corpus_file_ends_ready_or_rejected_with_its_reason(case):
    if case.outcome == "rejected":
        with pytest.raises(MediaRejected) as caught:
            make_renditions(case.data)
        assert caught.value.code == case.reason
        assert caught.value.code in REJECTIONS
        return
    photo = make_renditions(case.data)
    assert [r.name for r in photo.renditions] == ["1280", "320"]
    for rendition in photo.renditions:
        assert_no_metadata(rendition.data)
        assert max(rendition.width, rendition.height) <= int(rendition.name)


def test_gps_and_capture_time_are_read_before_stripping():
    photo = make_renditions(corpus.jpeg_with_gps())
    assert photo.exif == {"lat": corpus.GPS_LAT, "lng": corpus.GPS_LNG, "taken_at": "2026-11-20T08:15:00+07:00"}
    assert reopen(corpus.jpeg_with_gps()).getexif().get_ifd(0x8825)  # the original did carry GPS
    for rendition in photo.renditions:
        assert_no_metadata(rendition.data)


def test_southern_and_western_positions_are_negative():
    data = corpus.encode(corpus.picture(), "JPEG", exif=corpus.gps_exif(lat=-33.86, lng=-70.65).tobytes())
    assert make_renditions(data).exif["lat"] == -33.86
    assert make_renditions(data).exif["lng"] == -70.65


def test_exif_orientation_is_applied_to_the_pixels():
    data = corpus.jpeg_with_gps((640, 480), orientation=6)  # stored landscape, shown rotated 90° clockwise
    photo = make_renditions(data)
    assert (photo.width, photo.height) == (480, 640)
    big = reopen(photo.renditions[0].data)
    assert big.size == (480, 640)
    # the red band (stored top-left) ends top-right once rotated clockwise
    r, g, b = big.convert("RGB").getpixel((big.width - 10, 10))
    assert r > 180 and g < 90 and b < 90


def test_cmyk_jpeg_becomes_rgb_with_its_colours():
    photo = make_renditions(corpus.cmyk_jpeg())
    im = reopen(photo.renditions[0].data).convert("RGB")
    r, g, b = im.getpixel((10, 10))  # the red band
    assert r > 180 and g < 90 and b < 90


def test_16_bit_png_is_scaled_not_clipped():
    photo = make_renditions(corpus.png_16bit())
    value = reopen(photo.renditions[0].data).convert("L").getpixel((5, 5))
    assert 118 <= value <= 138  # 0x8000 of 0xffff is mid-grey; clipping would give 255


def test_animated_webp_gives_a_still_of_its_first_frame():
    photo = make_renditions(corpus.animated_webp())
    still = reopen(photo.renditions[0].data)
    assert getattr(still, "n_frames", 1) == 1
    r, g, _ = still.convert("RGB").getpixel((10, 10))
    assert r > 180 and g < 90  # frame 1's red band, not frame 2's green


def test_a_png_uploaded_as_jpeg_is_taken_for_what_it_is():
    photo = make_renditions(corpus.encode(corpus.picture(), "PNG"))
    assert photo.detected_type == "image/png"


def test_icc_profile_and_png_text_are_dropped():
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    from PIL.PngImagePlugin import PngInfo

    text = PngInfo()
    text.add_text("Comment", "home address: 12 Lê Duẩn")
    data = corpus.encode(corpus.picture(), "PNG", icc_profile=icc, pnginfo=text)
    for rendition in make_renditions(data).renditions:
        assert_no_metadata(rendition.data)
        assert "Lê Duẩn".encode() not in rendition.data


def test_garbage_icc_profile_or_exif_does_not_reject_a_good_photo():
    png = corpus.encode(corpus.picture(), "PNG", icc_profile=b"not a profile at all" * 10)
    assert make_renditions(png).renditions
    jpeg = corpus.encode(corpus.picture(), "JPEG", exif=b"Exif\x00\x00MM\x00*\xff\xff\xff\xff" + b"\x00" * 50)
    photo = make_renditions(jpeg)
    assert photo.exif == {} and photo.renditions


def test_a_non_srgb_profile_is_converted_then_dropped():
    from PIL import ImageCms

    xyz = ImageCms.ImageCmsProfile(ImageCms.createProfile("XYZ")).tobytes()
    for rendition in make_renditions(corpus.encode(corpus.picture(), "JPEG", icc_profile=xyz)).renditions:
        assert_no_metadata(rendition.data)


@pytest.mark.parametrize("fraction", [0.3, 0.7, 0.95])
def test_truncated_png_is_a_corrupt_file(fraction):
    data = corpus.encode(corpus.picture((800, 600)), "PNG")
    with pytest.raises(MediaRejected) as caught:
        make_renditions(data[: int(len(data) * fraction)])
    assert caught.value.code == "corrupt_file"


def test_heic_from_a_phone_is_decoded_upright():
    pillow_heif = pytest.importorskip("pillow_heif")
    heif = pillow_heif.from_pillow(corpus.picture((640, 480)))
    out = io.BytesIO()
    heif.save(out, quality=60, exif=corpus.gps_exif(orientation=6).tobytes())
    photo = make_renditions(out.getvalue())
    assert photo.detected_type == "image/heic"
    assert (photo.width, photo.height) == (480, 640)
    assert photo.exif["lat"] == corpus.GPS_LAT
    for rendition in photo.renditions:
        assert_no_metadata(rendition.data)


def test_too_many_pixels_is_refused_before_decoding():
    data = corpus.encode(Image.new("RGB", (3000, 2000)), "PNG")
    with pytest.raises(MediaRejected) as caught:
        make_renditions(data, max_pixels=5_000_000)
    assert caught.value.code == "image_too_large"


def test_too_many_bytes_is_refused_before_decoding():
    with pytest.raises(MediaRejected) as caught:
        make_renditions(corpus.jpeg(), max_bytes=1000)
    assert caught.value.code == "file_too_large"


def test_a_decoder_blowing_up_on_hostile_bytes_is_a_corrupt_file():
    broken = bytearray(corpus.encode(corpus.picture(), "PNG"))
    broken[40:80] = b"\xff" * 40  # the first IDAT's zlib stream
    with pytest.raises(MediaRejected) as caught:
        make_renditions(bytes(broken))
    assert caught.value.code == "corrupt_file"


# -- one decode, at the smallest DCT scale that covers 1280 px ------------------------------


def test_a_12_megapixel_jpeg_is_decoded_once_at_half_scale(monkeypatch):
    decoded: list[tuple[int, int]] = []
    load = JpegImagePlugin.JpegImageFile.load

    def spy(self):
        if self._im is None:
            decoded.append(self.size)
        return load(self)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", spy)
    photo = make_renditions(corpus.jpeg((4000, 3000)))
    assert decoded == [(2000, 1500)]  # 1/4 scale (1000 px) would not cover 1280 px
    assert [(r.width, r.height) for r in photo.renditions] == [(1280, 960), (320, 240)]


def test_small_photos_are_never_enlarged():
    photo = make_renditions(corpus.jpeg((200, 100)))
    assert [(r.width, r.height) for r in photo.renditions] == [(200, 100), (200, 100)]


@pytest.mark.parametrize(("size", "side", "expected"), [
    ((4000, 3000), 1280, (1280, 960)), ((3000, 4000), 320, (240, 320)), ((100, 50), 1280, (100, 50)),
    ((50_000, 1), 320, (320, 1)),
])
def test_target_size_fits_the_long_side(size, side, expected):
    assert target_size(*size, side) == expected


# -- EXIF values -------------------------------------------------------------------------


def test_gps_decimal_reads_dms_with_reference():
    assert gps_decimal("N", (12.0, 40.0, 48.0)) == pytest.approx(12.68)
    assert gps_decimal(b"W\x00", (70.0, 39.0, 0.0)) == pytest.approx(-70.65)


@pytest.mark.parametrize(("ref", "dms"), [
    ("X", (1.0, 2.0, 3.0)), ("N", (1.0, 2.0)), ("N", "garbage"), ("N", None), ("N", (float("nan"), 0.0, 0.0)),
    ("N", (-1.0, 0.0, 0.0)),
])
def test_gps_decimal_refuses_malformed_values(ref, dms):
    assert gps_decimal(ref, dms) is None


def test_exif_datetime_keeps_the_offset_when_the_camera_gave_one():
    assert exif_datetime("2026:11:20 08:15:00", "+07:00") == "2026-11-20T08:15:00+07:00"
    assert exif_datetime(b"2026:11:20 08:15:00\x00") == "2026-11-20T08:15:00"
    assert exif_datetime("2026:11:20 08:15:00", "garbage") == "2026-11-20T08:15:00"
    assert exif_datetime("0000:00:00 00:00:00") is None
    assert exif_datetime(42) is None


# -- videos: structure checked from box headers, never read whole ----------------------------


def reader(data: bytes):
    calls = []

    def read_at(offset: int, length: int) -> bytes:
        calls.append((offset, length))
        return data[offset:offset + length]

    return read_at, calls


def test_mp4_and_mov_pass_with_their_real_type():
    read_at, _ = reader(corpus.mp4())
    assert check_video(len(corpus.mp4()), read_at) == "video/mp4"
    mov = corpus.mp4(brand=b"qt  ", boxes=((b"wide", 8), (b"mdat", 4096), (b"moov", 64)))
    assert check_video(len(mov), reader(mov)[0]) == "video/quicktime"


def test_a_large_video_is_checked_with_a_few_ranged_reads():
    big = corpus.mp4(boxes=((b"moov", 64),)) + struct.pack(">I4sQ", 1, b"mdat", 16 + 200_000) + b"\x00" * 200_000
    read_at, calls = reader(big)
    assert check_video(len(big), read_at) == "video/mp4"
    assert len(calls) <= 2 and all(length <= 64 * 1024 for _, length in calls)


@pytest.mark.parametrize(("data", "reason"), [
    (corpus.jpeg(), "not_a_video"),
    (b"just text, not a movie" * 10, "not_a_video"),
    (corpus.gif_zip_polyglot(), "unsupported_format"),
    (corpus.mp4()[:-100], "corrupt_file"),  # truncated: boxes run past the end
    (corpus.mp4() + b"trailing junk", "corrupt_file"),
    (corpus.mp4(boxes=((b"mdat", 4096),)), "corrupt_file"),  # no movie header
    (corpus.mp4(boxes=((b"\x00\x01\x02\x03", 64),)), "corrupt_file"),
    (corpus.mp4(boxes=()) + struct.pack(">I4s", 4, b"moov"), "corrupt_file"),  # a box smaller than its header
])
def test_videos_that_are_not_what_they_claim_are_rejected(data, reason):
    with pytest.raises(MediaRejected) as caught:
        check_video(len(data), reader(data)[0])
    assert caught.value.code == reason


def test_video_size_caps():
    with pytest.raises(MediaRejected) as caught:
        check_video(0, reader(b"")[0])
    assert caught.value.code == "empty_file"
    with pytest.raises(MediaRejected) as caught:
        check_video(10, reader(corpus.mp4())[0], max_bytes=5)
    assert caught.value.code == "file_too_large"


# -- rules around it ---------------------------------------------------------------------


def test_raw_keys_parse_and_nothing_else_does():
    assert parse_raw_key("raw/DLK-ABCD-EFGH/0a1b2c") == ("DLK-ABCD-EFGH", "0a1b2c")
    for key in ("thumbs/DLK/1/320.webp", "raw/DLK", "raw//x", "raw/a/b/c", "raw/../x", "raw/a b/c"):
        assert parse_raw_key(key) is None


def test_every_rejection_reads_in_both_languages():
    for code in REJECTIONS:
        text = rejection_text(code)
        assert text["reason"] == code and text["message"] and text["message_en"]
    assert rejection_text("nonsense")["message_en"] == REJECTIONS["corrupt_file"][1]


def test_importing_the_codec_does_not_import_pillow():
    import subprocess
    import sys

    code = "import sys, chalicelib.adapters.imaging; print('PIL' in sys.modules, 'pillow_heif' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
    assert imaging.RENDITION_FORMATS[0][0] == "WEBP"
