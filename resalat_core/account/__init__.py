"""A member's own data: the copy of it and closing the account."""
