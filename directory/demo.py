"""Deterministic demo directory (PLACEHOLDER: replaced by the real generator)."""


def generate_profiles(count: int = 400, seed: int = 2026) -> list[dict]:
    return [
        {
            "id": f"demo-{i:05d}",
            "name": f"Demo Clinic {i}",
            "address": {"lines": ["1 Main Street"], "city": "London", "country": "GB"},
            "location": {"lat": 51.5, "lon": -0.12},
            "treatments": [{"key": "mesotherapy"}],
            "languages": ["en"],
            "practitioners": [{"name": "Dr A", "role": "physician", "licence_number": "123"}],
        }
        for i in range(count)
    ]
