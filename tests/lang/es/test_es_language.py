"""es: every layer on a table of cases, including cases that must find nothing (see tests/lang/cases.py)."""

from __future__ import annotations

from ..cases import LanguageCases
from ..layer_tests import make

LANG = "es"
CASES = LanguageCases(
    identify=(
        "El Ministerio de Hacienda informó el martes de que la inflación se moderó por tercer mes consecutivo, lo que alivia a los hogares y da margen al banco central para mantener los tipos de interés hasta el verano.",
    ),
    sentences=(
        ("El Sr. Ortega llegó al mediodía. Se fue a las cinco.", 2),
        ("Las conversaciones se reanudaron en Ginebra.", 1),
    ),
    timex=(("Las conversaciones terminaron ayer.", "2025-03-11"), ("Las conversaciones terminaron.", "")),
    quantities=(("Cientos de manifestantes se concentraron.", 100, 999), ("La protesta fue pacífica.", None, None)),
    places=(("Los delegados se reunieron en Viena.", "Vienna"), ("El tiempo era templado.", "")),
    people=(("La ministra Alana Brisco llegó tarde.", "Alana Brisco"), ("La comisión se reunió el lunes.", "")),
    quotes=(("«No vamos a firmar esto», dijo Alana Brisco.", "Alana Brisco"), ("El informe se publicó el lunes.", "")),
    hedges=(("El alto el fuego podría fracasar.", True), ("El alto el fuego se mantuvo.", False)),
    boilerplate=("Suscríbete a nuestro boletín",),
)
globals().update(make(LANG))
