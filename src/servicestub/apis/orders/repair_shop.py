"""The vocabulary of an electronics repair shop: devices, faults, parts, workflow."""

from __future__ import annotations

#: (brand, model, model code, category)
DEVICES = (
    ("Apple", "iPhone 13", "IP13", "phone"),
    ("Apple", "iPhone 14 Pro", "IP14P", "phone"),
    ("Apple", "iPhone 15", "IP15", "phone"),
    ("Apple", "iPhone SE (2022)", "IPSE3", "phone"),
    ("Samsung", "Galaxy S23", "GS23", "phone"),
    ("Samsung", "Galaxy A54", "GA54", "phone"),
    ("Google", "Pixel 8", "PX8", "phone"),
    ("Xiaomi", "Redmi Note 12", "RN12", "phone"),
    ("Apple", "iPad Air (5th gen)", "IPA5", "tablet"),
    ("Samsung", "Galaxy Tab S9", "GTS9", "tablet"),
    ("Apple", "MacBook Air M2", "MBA2", "laptop"),
    ("Lenovo", "ThinkPad T14", "TPT14", "laptop"),
    ("Dell", "XPS 13", "XPS13", "laptop"),
    ("HP", "EliteBook 840", "HP840", "laptop"),
    ("Nintendo", "Switch OLED", "NSWO", "handheld"),
    ("Sony", "PlayStation 5", "PS5", "console"),
    ("Apple", "Watch Series 8", "AW8", "wearable"),
)

FAULTS = {
    "phone": (
        "cracked screen",
        "battery drains quickly",
        "does not charge",
        "water damage",
        "no sound from earpiece",
        "rear camera out of focus",
        "Face ID not working",
        "cracked back glass",
    ),
    "tablet": ("cracked screen", "does not charge", "battery swollen", "touch unresponsive"),
    "laptop": (
        "keyboard keys stuck",
        "does not power on",
        "fan very loud",
        "battery swollen",
        "liquid spill on keyboard",
        "display flickers",
    ),
    "console": ("HDMI port damaged", "overheats and shuts down", "drive does not read discs"),
    "handheld": ("Joy-Con drift", "cracked screen", "does not charge", "overheats and shuts down"),
    "wearable": ("cracked screen", "battery drains quickly", "does not charge"),
}

#: per category: (part name, article code, min price, max price)
PARTS = {
    "phone": (
        ("Display assembly", "SCR", 89.0, 289.0),
        ("Battery", "BAT", 39.0, 99.0),
        ("Charging port flex", "CHP", 29.0, 79.0),
        ("Back glass", "BGL", 49.0, 149.0),
        ("Earpiece speaker", "SPK", 19.0, 49.0),
        ("Rear camera module", "CAM", 59.0, 199.0),
        ("Screen protector", "PRT", 9.9, 19.9),
        ("Adhesive kit", "ADH", 4.9, 9.9),
    ),
    "tablet": (
        ("Display assembly", "SCR", 129.0, 349.0),
        ("Battery", "BAT", 59.0, 129.0),
        ("Charging port", "CHP", 39.0, 89.0),
        ("Digitizer", "DIG", 79.0, 179.0),
    ),
    "laptop": (
        ("Keyboard", "KBD", 69.0, 189.0),
        ("Battery", "BAT", 79.0, 179.0),
        ("Cooling fan", "FAN", 29.0, 69.0),
        ("Display panel", "LCD", 149.0, 449.0),
        ("Thermal paste service kit", "TPK", 9.9, 19.9),
        ("DC-in board", "DCB", 39.0, 99.0),
    ),
    "console": (
        ("HDMI port", "HDM", 29.0, 59.0),
        ("Blu-ray drive", "BRD", 79.0, 149.0),
        ("Thermal paste service kit", "TPK", 9.9, 19.9),
    ),
    "handheld": (
        ("Joy-Con stick module", "JCS", 14.9, 29.9),
        ("Display panel", "LCD", 79.0, 149.0),
        ("USB-C port", "USB", 24.0, 49.0),
        ("Cooling fan", "FAN", 19.0, 39.0),
    ),
    "wearable": (
        ("Display assembly", "SCR", 99.0, 249.0),
        ("Battery", "BAT", 39.0, 79.0),
    ),
}

SERVICE_TYPES = (
    ("Screen repair", "Replacement of cracked or faulty displays.", "NORMAL"),
    ("Battery replacement", "Replacement of worn or swollen batteries.", "NORMAL"),
    ("Water damage diagnostics", "Cleaning and diagnosis after liquid damage.", "HIGH"),
    ("Warranty repair", "Repairs covered by the manufacturer's warranty.", "LOW"),
    ("Data recovery", "Recovery of data from damaged devices.", "HIGH"),
    ("Board-level repair", "Micro-soldering and logic board repairs.", "NORMAL"),
    ("Software service", "Updates, resets and data transfer.", "LOW"),
)

#: workflow in order: (name, colour, final)
WORKFLOW = (
    ("Received", "#9e9e9e", False),
    ("Diagnosing", "#2196f3", False),
    ("Quote sent", "#03a9f4", False),
    ("Waiting for parts", "#ff9800", False),
    ("In repair", "#3f51b5", False),
    ("Quality check", "#9c27b0", False),
    ("Ready for pickup", "#4caf50", True),
    ("Picked up", "#607d8b", True),
)

#: The order states each workflow status fits (a seeded order sits in a status
#: that fits its state). Every seeded tenant keeps the statuses named in
#: :data:`REQUIRED_STATUSES`, so each state has one.
STATUS_STATES = {
    "Received": ("NEW",),
    "Diagnosing": ("IN_PROGRESS",),
    "Quote sent": ("WAITING",),
    "Waiting for parts": ("WAITING",),
    "In repair": ("IN_PROGRESS",),
    "Quality check": ("IN_PROGRESS",),
    "Ready for pickup": ("DONE",),
    "Picked up": ("CLOSED", "CANCELLED"),
}
REQUIRED_STATUSES = ("Received", "Waiting for parts", "In repair", "Ready for pickup", "Picked up")

#: (name, code, price)
HOURLY_RATES = (
    ("Standard labour", "STD", 65.0),
    ("Express labour", "EXP", 95.0),
    ("Micro-soldering", "MSO", 120.0),
    ("Diagnostics", "DIA", 49.0),
)

HOURS_WORK = (
    "Diagnosis",
    "Disassembly and part replacement",
    "Cleaning and corrosion treatment",
    "Testing and quality check",
    "Data backup before repair",
    "Micro-soldering on logic board",
)

INTERNAL_NOTES = (
    "Part ordered from supplier.",
    "Checked serial number against warranty database.",
    "Board inspected under microscope; no further damage.",
    "Customer device stored in shelf B3.",
)

CUSTOMER_MESSAGES = (
    "We have sent you a quote for the repair.",
    "The replacement part has arrived; the repair is scheduled.",
    "Your device has passed the final quality check.",
    "We tried to reach you by phone about your repair.",
)
