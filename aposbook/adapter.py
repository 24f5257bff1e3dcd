from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """AposBook's hooks into allauth (sign-up rules, email sending)."""
