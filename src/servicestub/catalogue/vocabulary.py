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

QUALIFIERS = (
    "Basic",
    "Standard",
    "Premium",
    "Express",
    "Deluxe",
    "Monthly",
    "Quarterly",
    "Annual",
    "Weekly",
    "Commercial",
    "Residential",
)

SERVICES = (
    "Lawn Care",
    "HVAC Inspection",
    "Pool Cleaning",
    "Window Washing",
    "Pest Control",
    "Gutter Cleaning",
    "Carpet Cleaning",
    "Snow Removal",
    "Landscape Maintenance",
    "Pressure Washing",
    "Tree Trimming",
    "Irrigation Check",
    "Chimney Sweep",
    "Dryer Vent Cleaning",
    "Appliance Repair",
    "Plumbing Inspection",
    "Electrical Safety Check",
    "Roof Inspection",
    "Garage Door Service",
    "Water Heater Flush",
)

SHARE_PLANS = (
    "Gold Home Care Plan",
    "Silver Maintenance Plan",
    "Family Comfort Plan",
    "Small Business Plan",
    "Seasonal Saver Plan",
    "Property Manager Bundle",
)
