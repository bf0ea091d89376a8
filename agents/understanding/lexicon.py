"""The trade's own words for common services, in English and Spanish, for any tenant.

    "low taper", "shape up", "buzz cut", "degradado"       -> the haircut concept
    "hot towel shave", "mustache trim", "afeitado"         -> the beard concept
    "highlights", "grays covered", "dyed", "mechas"        -> the hair color concept
A tenant's file names its services in its own words ("Haircut", aliases [cut, fade]);
services.py maps each concept onto the one service whose name or alias is one of the
concept's words, so "lineup" finds Harbor's haircut and "mani" a nail salon's "Gel manicure"
without either listing them. Words are matched as written here (after folding), not as
typos: a near miss of a trade word is more often another word ("canas", "ganas").
"""
from __future__ import annotations

CONCEPTS: dict[str, tuple[str, ...]] = {
    "haircut": (
        "haircut", "hair cut", "cut", "trim", "fade", "taper", "low taper", "mid taper", "high taper",
        "skin fade", "bald fade", "drop fade", "burst fade", "temp fade", "lineup", "line up", "edge up",
        "edgeup", "shape up", "shapeup", "buzz cut", "buzzcut", "crew cut", "clipper cut",
        "scissor cut", "designs", "hair design", "undercut", "mohawk", "mullet", "flat top", "high top",
        "pompadour", "crop", "hair done", "corte", "corte de pelo", "cortar el pelo",
        "cortarme el pelo", "cortarle el pelo", "cortan", "recorte", "cortarme", "recortarme", "cortarnos", "cortarse",
        "pelarme", "motilarme", "motilada", "bajarme el pelo", "bajar el pelo", "desvanecido", "degradado", "rapado",
        "pelado", "perfilado"),
    "beard": (
        "beard", "beard trim", "beard lineup", "beard line up", "beard shape up", "beard edge up", "shave",
        "hot towel", "hot towel shave", "straight razor shave", "razor shave", "mustache", "moustache", "stache",
        "mustache trim", "moustache trim", "goatee", "goatee trim", "facial hair", "barba", "arreglo de barba",
        "perfilado de barba", "recorte de barba", "recorte d barba", "recortarme la barba", "recortar la barba",
        "arreglarme la barba", "afeitado", "afeitar", "afeitarme", "rasurado", "bigote", "toalla caliente"),
    "color": (
        "color", "dye", "dyed", "dye job", "hair dye", "highlights", "lowlights", "balayage", "ombre",
        "frosted tips", "bleach", "bleached", "tint", "toner", "roots", "root touch up", "grays", "greys",
        "gray hair", "grey hair", "cover grays", "cover my grays", "grays covered", "gray coverage", "tinte",
        "tintura", "tenir", "tenirme", "pintarme el pelo", "pintar el pelo", "pintarme", "tintarme", "mechas", "canas", "reflejos", "rayitos", "decolorar", "decoloracion"),
    "manicure": (
        "manicure", "mani", "nails", "nails done", "gel nails", "gel", "acrylics", "acrylic nails", "shellac",
        "dip powder", "polish change", "las unas", "mis unas", "manicura"),
    "pedicure": ("pedicure", "pedi", "toes", "toenails", "pedicura"),
    "waxing": ("wax", "waxing", "bikini wax", "brazilian", "depilacion", "cera"),
    "brows": ("brows", "eyebrows", "brow wax", "threading", "cejas"),
    "lashes": ("lashes", "lash extensions", "lash lift", "pestanas"),
    "facial": ("facial", "skin care", "limpieza facial"),
    "massage": ("massage", "deep tissue", "swedish massage", "masaje"),
}
