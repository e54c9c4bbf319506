from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from clientcentric import __version__
from clientcentric.accounts.api_auth import session_auth
from clientcentric.appeals.api import router as appeals_router
from clientcentric.appeals.social_api import router as social_router
from clientcentric.appeals.text_api import router as text_router
from clientcentric.business.api import router as business_router
from clientcentric.core.api_errors import install_error_handlers
from clientcentric.delivery.api import events_router as life_events_router
from clientcentric.delivery.api import me_router as delivery_me_router
from clientcentric.design.api import router as design_router
from clientcentric.feedback.api import router as feedback_router
from clientcentric.knowledge.api import router as kb_router
from clientcentric.registry.api import router as registry_router
from clientcentric.research.api import router as research_router
from clientcentric.subscriptions.api import router as subscriptions_router
from clientcentric.supervision.api import router as supervision_router


class ReadableJSONRenderer(JSONRenderer):
    # Russian text as UTF-8, not \u escapes: half the bytes, and readable with curl.
    json_dumps_params = {"ensure_ascii": False}


# Operations are closed unless they say otherwise: the default is a signed-in session.
api = NinjaAPI(
    title="Clientcentric API",
    version=__version__,
    description="Registry of life situations, client segments, needs, services and FAQ; more to come.",
    urls_namespace="api",
    auth=session_auth,
    docs_url="/docs",
    renderer=ReadableJSONRenderer(),
)
install_error_handlers(api)
api.add_router("/registry", registry_router)
api.add_router("/appeals", appeals_router)
api.add_router("/social", social_router)
api.add_router("/kb", kb_router)
api.add_router("/text", text_router)
api.add_router("/subscriptions", subscriptions_router)
api.add_router("/feedback", feedback_router)
api.add_router("/life-events", life_events_router)
api.add_router("/me", delivery_me_router)
api.add_router("/research", research_router)
api.add_router("/design", design_router)
api.add_router("/business", business_router)
api.add_router("/supervision", supervision_router)
