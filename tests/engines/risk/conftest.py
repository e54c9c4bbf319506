from pathlib import Path

import pytest

from clientcentric.engines.risk import load_risk_model_file

MODELS_DIR = Path(__file__).resolve().parents[3] / "src" / "clientcentric" / "supervision" / "risk_models"
DEMO_FILES = sorted(MODELS_DIR.glob("*.yaml"))


@pytest.fixture(scope="session")
def demo_models():
    return {path.stem: load_risk_model_file(path) for path in DEMO_FILES}
