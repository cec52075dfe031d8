"""Contacts of a region's team: e-mail checked, Indonesian phone numbers normalised to +62..."""

from __future__ import annotations

import phonenumbers
from smartcity_kit.fielderrors import field_refusal


def normalise_phone(value: str) -> str:
    """`0812-3456-7890`, `62 812 3456 7890` or `+62 22 4234567` -> E.164 `+62...`; ValueError otherwise."""
    raw = value.strip()
    if raw.startswith("62"):
        raw = "+" + raw
    try:
        number = phonenumbers.parse(raw, "ID")
    except phonenumbers.NumberParseException as exc:
        raise field_refusal("not_a_phone_number", "Not a phone number.") from exc
    if number.country_code != 62:
        raise field_refusal("not_indonesian", "Must be an Indonesian number (+62).")
    if not phonenumbers.is_valid_number(number):
        raise field_refusal("not_a_phone_number", "Not a valid Indonesian phone number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
