"""The words of a field-service catalogue: lookups and service names."""

from __future__ import annotations

#: lookup table -> (API name of its id field, its values)
LOOKUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "serviceTypes": (
        "serviceTypeId",
        ("Recurring", "One-time", "On-demand", "Contract", "Seasonal"),
    ),
    "usageFrequencyTypes": (
        "usageFrequencyTypeId",
        ("Daily", "Weekly", "Bi-weekly", "Monthly", "Quarterly", "Yearly", "One-time"),
    ),
    "generalLedgers": (
        "generalLedgerId",
        (
            "4000 Service Revenue",
            "4010 Maintenance Revenue",
            "4020 Inspection Revenue",
            "4030 Repair Revenue",
            "4100 Contract Revenue",
        ),
    ),
    "taxCodes": ("taxCodeId", ("TX-STD 19%", "TX-RED 7%", "TX-EXEMPT 0%", "TX-REV-CHARGE")),
    "serviceTaxCategories": (
        "serviceTaxCategoryId",
        ("Standard services", "Labour", "Exempt services", "Digital services"),
    ),
    "serviceStatusTypes": (
        "defaultServiceStatusTypeId",
        ("Scheduled", "In progress", "Completed", "On hold", "Cancelled"),
    ),
    "serviceCategories": (
        "serviceCategoryId",
        ("Landscaping", "Cleaning", "Inspection", "Repair", "Seasonal", "Plumbing", "Electrical"),
    ),
}

#: service name qualifier -> the usage frequency type it implies (None: any)
QUALIFIERS: dict[str, str | None] = {
    "Basic": None,
    "Standard": None,
    "Premium": None,
    "Express": None,
    "Deluxe": None,
    "Commercial": None,
    "Residential": None,
    "Weekly": "Weekly",
    "Monthly": "Monthly",
    "Quarterly": "Quarterly",
    "Annual": "Yearly",
}

#: the frequencies a service whose name implies none is drawn from
USUAL_FREQUENCIES = ("Weekly", "Bi-weekly", "Monthly", "Quarterly", "Yearly")

#: service -> its service category
SERVICES: dict[str, str] = {
    "Lawn Care": "Landscaping",
    "HVAC Inspection": "Inspection",
    "Pool Cleaning": "Cleaning",
    "Window Washing": "Cleaning",
    "Pest Control": "Inspection",
    "Gutter Cleaning": "Cleaning",
    "Carpet Cleaning": "Cleaning",
    "Snow Removal": "Seasonal",
    "Landscape Maintenance": "Landscaping",
    "Pressure Washing": "Cleaning",
    "Tree Trimming": "Landscaping",
    "Irrigation Check": "Landscaping",
    "Chimney Sweep": "Seasonal",
    "Dryer Vent Cleaning": "Cleaning",
    "Appliance Repair": "Repair",
    "Plumbing Inspection": "Plumbing",
    "Electrical Safety Check": "Electrical",
    "Roof Inspection": "Inspection",
    "Garage Door Service": "Repair",
    "Water Heater Flush": "Plumbing",
}

SHARE_PLANS = (
    "Gold Home Care Plan",
    "Silver Maintenance Plan",
    "Family Comfort Plan",
    "Small Business Plan",
    "Seasonal Saver Plan",
    "Property Manager Bundle",
)
