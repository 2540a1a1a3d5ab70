"""Imports every host model so the metadata (and Alembic) sees all host tables."""

from resalat_core.audit.models import AuditEntry
from resalat_core.auth.models import ApiToken, LoginAttempt, PasswordReset
from resalat_core.files.models import StoredFile
from resalat_core.members.models import Member, RoleGrant
from resalat_core.plugins.models import ModuleActivation
from resalat_core.regions.models import Region
from resalat_core.rest.models import FormSubmission, IdempotencyRecord
from resalat_core.sms.models import SmsMessage
from resalat_core.wallet.models import Account, Entry, Transfer

__all__ = [
    "ApiToken",
    "AuditEntry",
    "FormSubmission",
    "IdempotencyRecord",
    "LoginAttempt",
    "Member",
    "ModuleActivation",
    "PasswordReset",
    "Region",
    "RoleGrant",
    "SmsMessage",
    "StoredFile",
    "Account",
    "Entry",
    "Transfer",
]
