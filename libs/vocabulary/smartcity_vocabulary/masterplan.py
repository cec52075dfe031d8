"""The six dimensions of a smart city master plan, each with its three elements (BRIEF.md)."""

from __future__ import annotations

from enum import StrEnum


class Dimension(StrEnum):
    GOVERNANCE = "governance"
    BRANDING = "branding"
    ECONOMY = "economy"
    LIVING = "living"
    SOCIETY = "society"
    ENVIRONMENT = "environment"


class Element(StrEnum):
    SERVICE = "service"
    BUREAUCRACY = "bureaucracy"
    POLICY = "policy"
    TOURISM = "tourism"
    BUSINESS = "business"
    CITY_APPEARANCE = "city_appearance"
    INDUSTRY = "industry"
    WELFARE = "welfare"
    TRANSACTION = "transaction"
    HARMONY = "harmony"  # spatial planning
    HEALTH = "health"
    MOBILITY = "mobility"
    COMMUNITY = "community"
    LEARNING = "learning"
    SECURITY = "security"
    PROTECTION = "protection"
    WASTE = "waste"
    ENERGY = "energy"


ELEMENTS: dict[Dimension, tuple[Element, Element, Element]] = {
    Dimension.GOVERNANCE: (Element.SERVICE, Element.BUREAUCRACY, Element.POLICY),
    Dimension.BRANDING: (Element.TOURISM, Element.BUSINESS, Element.CITY_APPEARANCE),
    Dimension.ECONOMY: (Element.INDUSTRY, Element.WELFARE, Element.TRANSACTION),
    Dimension.LIVING: (Element.HARMONY, Element.HEALTH, Element.MOBILITY),
    Dimension.SOCIETY: (Element.COMMUNITY, Element.LEARNING, Element.SECURITY),
    Dimension.ENVIRONMENT: (Element.PROTECTION, Element.WASTE, Element.ENERGY),
}
