"""The reports service: a read model of the programme, kept from every service's events feed."""
