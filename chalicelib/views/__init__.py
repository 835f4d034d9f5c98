"""Every response body the service sends, by audience: the one place a client's JSON is assembled.

Views are pure functions of domain values (rules/) and of what a service
looked up for them (links, history); they never read a store. Handlers and
services return what these functions build, and nothing else.
"""
