"""HTML pages: search (/ and /search), a document (/documents/<id>) and precedents for a draft (/similar).

Server-rendered and usable without JavaScript; static/app.js only adds suggestions and small comforts.
The views parse with service.params and call the same Searcher as the JSON API, render its results as the API's
dicts, and turn every error into an HTML page.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from config.settings import ServiceSettings
from search.documents import layout
from search.searcher import Searcher
from service import pages
from service.errors import ApiError, InvalidParameter
from service.limits import admit_draft, refuse_spent_client
from service.markup import words_to_mark
from service.pages import FILTERS, PAGE_SIZE
from service.params import parse_page_search
from service.responses import document_json, precedents_json, search_json
from store.errors import StoreUnavailable

log = logging.getLogger(__name__)

bp = Blueprint(
    "web", __name__, template_folder="templates", static_folder="static", static_url_path="/assets"
)

SIMILAR_SIDE = 5
MODES = [
    ("hybrid", "综合", "关键词与语义结合（推荐）"),
    ("keyword", "关键词", "按字面匹配"),
    ("semantic", "语义", "按意思查找，换了说法也能找到"),
]
SORTS = [("relevance", "相关度"), ("date", "日期")]
EXAMPLES = ["古树名木保护", "烈士褒扬", "水文管理办法", "知识产权专项资金", "养老服务", "聊政发〔2023〕7号"]
# No inline script or style anywhere: the pages only load /assets/style.css and /assets/app.js.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


@bp.context_processor
def page_constants() -> dict[str, Any]:
    return {"MODES": MODES, "SORTS": SORTS, "EXAMPLES": EXAMPLES}


@bp.app_template_filter("cn_date")
def cn_date(value: str | None) -> str:
    """ISO 2023-10-10 -> 2023年10月10日 (the way a 成文日期 is written)."""
    if not value or len(value) < 10 or value[4] != "-":
        return value or ""
    return f"{int(value[:4])}年{int(value[5:7])}月{int(value[8:10])}日"


# --- search ---------------------------------------------------------------------------------------


@bp.get("/")
@bp.get("/search")
def search() -> str:
    """The search page: the box alone, or results with facets, sort and pages."""
    params = parse_page_search(request.args, _limits(), PAGE_SIZE)
    args: dict[str, Any] = {"q": params.q, "mode": params.mode, "sort": params.sort, "page": params.page}
    args.update({name: (request.args.get(name) or "").strip() or None for name in FILTERS})
    browsing = bool(args["q"] or pages.active(args))
    result = search_json(_searcher().search(params)) if browsing else None
    limits = _limits()
    # With a query, pages are slices of one ranked window; browsing by filters pages through the index.
    deepest = min(limits.max_page, limits.result_window // PAGE_SIZE) if params.q else limits.max_page
    return render_template("search.html", nav="search", **pages.search_context(args, result, deepest))


# --- document -------------------------------------------------------------------------------------


@bp.get("/documents/<doc_id>")
def document(doc_id: str) -> str:
    """One document laid out by its structure, the query's words marked, with related documents."""
    view = _searcher().document(doc_id)
    if view is None:
        abort(404, description="没有找到这份文件，它可能已被移除，或链接有误。")
    q = request.args.get("q", "").strip()[:256]
    terms = words_to_mark(q, _searcher().analyse(q).tokens) if q else []
    blocks = [pages.block_view(b, terms) for b in layout(view)]
    toc = pages.toc(blocks)
    similar, note = _similar_documents(doc_id)
    return render_template(
        "document.html",
        nav="search",
        doc=document_json(view),
        q=q,
        terms=terms,
        blocks=blocks,
        toc=toc,
        similar=similar,
        similar_note=note,
    )


def _similar_documents(doc_id: str) -> tuple[list[dict[str, Any]], str | None]:
    """Documents like this one; the page still shows the document when this part fails."""
    try:
        result = _run_similar(doc_id=doc_id, size=SIMILAR_SIDE)
    except StoreUnavailable:
        log.warning("similar documents unavailable for %s", doc_id, exc_info=True)
        return [], "相似文件暂时无法加载。"
    return [h for h in result.get("hits", []) if h.get("doc_id") != doc_id], None


# --- precedents -----------------------------------------------------------------------------------


@bp.route("/similar", methods=["GET", "POST"])
def similar() -> tuple[str, int]:
    """Paste a draft (POST) -> ranked precedents, each with the draft's segments aligned to its passages."""
    limit = _limits().max_draft_chars
    if request.method == "POST":
        refuse_spent_client()
    draft = request.form.get("draft", "") if request.method == "POST" else ""
    context: dict[str, Any] = {
        "nav": "similar",
        "draft": draft,
        "max_chars": limit,
        "result": None,
        "error": None,
    }
    status = 200
    if request.method == "POST":
        if not draft.strip():
            context["error"], status = "请先粘贴草稿内容。", 400
        elif len(draft) > limit:
            context["error"] = (
                f"草稿共 {len(draft)} 字，超过 {limit} 字的上限，请删减后再试（例如只粘贴正文）。"
            )
            status = 413
        else:
            with admit_draft(draft):
                result = _run_similar(draft=draft, size=PAGE_SIZE)
            result["hits"] = [pages.precedent_view(h) for h in result.get("hits", [])]
            context["result"] = result
    return render_template("similar.html", **context), status


# --- errors ---------------------------------------------------------------------------------------

_HEADINGS = {
    400: "请求有误",
    404: "页面不存在",
    405: "不支持的请求方式",
    413: "内容过长",
    429: "请求过于频繁",
    503: "检索服务暂时不可用",
}
# The search page's own arguments, explained in the page's language.
_PARAM_MESSAGES = {
    "mode": "检索方式或排序方式无效。",
    "sort": "检索方式或排序方式无效。",
    "page": "页码必须是正整数。",
    "year": "年份必须是四位数字。",
}


@bp.errorhandler(Exception)
def render_error(exc: Exception) -> tuple[str, int, dict[str, str]]:
    """Pages answer errors with pages (the JSON API keeps its own handler for /api); Retry-After and
    Allow ride along."""
    status, message = _describe(exc)
    if status >= 500 and status != 503:
        log.exception("page %s failed", request.path)
    heading = _HEADINGS.get(status, "出错了")
    headers = dict(exc.headers) if isinstance(exc, ApiError) else {}
    if isinstance(exc, StoreUnavailable):
        headers["Retry-After"] = "5"
    allowed = getattr(exc, "valid_methods", None)
    if allowed:
        headers["Allow"] = ", ".join(allowed)
    page = render_template("error.html", status=status, heading=heading, message=message)
    return page, status, headers


def _describe(exc: Exception) -> tuple[int, str]:
    """HTTP status and a message for people, from werkzeug, the service's ApiError family or the store."""
    if isinstance(exc, StoreUnavailable):
        return 503, "检索服务暂时无法连接，请稍后再试。"
    if isinstance(exc, HTTPException):
        return exc.code or 500, exc.description or ""
    if isinstance(exc, InvalidParameter) and exc.param in _PARAM_MESSAGES:
        return exc.status, _PARAM_MESSAGES[exc.param]
    if isinstance(exc, ApiError) and (400 <= exc.status < 500 or exc.status == 503):
        return exc.status, exc.message
    return 500, "服务器内部错误，请稍后再试。"


# --- the searcher (the same object the JSON API uses) --------------------------------------------


def _searcher() -> Searcher:
    return current_app.extensions["searcher"]  # type: ignore[no-any-return]


def _limits() -> ServiceSettings:
    return current_app.extensions["settings"].service  # type: ignore[no-any-return]


def _run_similar(*, draft: str | None = None, doc_id: str | None = None, size: int) -> dict[str, Any]:
    return precedents_json(_searcher().similar(text=draft, doc_id=doc_id, size=size))
