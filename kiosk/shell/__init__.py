"""What every screen has, whatever feature it belongs to: the home screen, error pages,
security headers, the request log, languages, health, server-side sessions and links.

The shell imports no feature: features register with it (session-end cleanups, blueprints).
"""
