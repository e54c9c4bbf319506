"""Tiny recordings generated in the test, no binary fixtures: a WAV of silence of the asked length."""

import io
import wave


def wav(seconds: float = 1.0, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(1)
        recording.setframerate(rate)
        recording.writeframes(b"\x80" * int(seconds * rate))
    return out.getvalue()
