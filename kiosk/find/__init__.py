""" "Find your way": search, the route screen, printed directions, the phone page and the
anonymous analytics of what visitors look for."""
