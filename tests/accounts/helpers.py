"""Helpers of the accounts tests: log in, read the mail that was sent, read HTML."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

PASSWORD = "correct horse battery staple"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def log_in(client, email: str, password: str = PASSWORD, **extra):
    """Post the login form; return the response."""
    return client.post("/account/login", data={"email": email, "password": password, **extra})


def log_in_as(client, db, email: str) -> None:
    """Log in (passing the moderators' second factor when the moderation domain has one)."""
    response = log_in(client, email)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    row = db.execute("select id, role from users where email = ?", [email]).fetchone()
    if row[1] in ("moderator", "admin"):
        try:
            from directory.moderation.access import MFA_MARK
        except ImportError:  # pragma: no cover - no second factor without moderation
            return
        with client.session_transaction() as session:
            session[MFA_MARK] = row[0]


def mails(app, to: str | None = None):
    from directory.mail import read_messages

    return read_messages(app.config["MAIL_DIR"], to)


def link_path(message) -> str:
    """Return the path (and query) of the first link of a message, to request it."""
    from directory.mail import links_in

    links = links_in(message)
    assert links, message.get_body().get_content()
    parts = urlsplit(links[0])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


class Node:
    def __init__(self, tag: str, attrs: dict, parent=None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node] = []
        self.parts: list[str] = []

    @property
    def text(self) -> str:
        return " ".join(" ".join(self._texts()).split())

    def _texts(self):
        yield from self.parts
        for child in self.children:
            yield from child._texts()

    def iter(self):
        for child in self.children:
            yield child
            yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs) -> list[Node]:
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and all(n.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, **attrs) -> Node | None:
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    def by_id(self, element_id: str) -> Node | None:
        return self.find(id=element_id)


VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.node = Node("#root", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.node)
        self.node.children.append(node)
        if tag not in VOID:
            self.node = node

    def handle_startendtag(self, tag, attrs):
        self.node.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.node))

    def handle_endtag(self, tag):
        node = self.node
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.node = node.parent

    def handle_data(self, data):
        self.node.parts.append(data)


def parse(html: str | bytes) -> Node:
    """Parse an HTML page into a small tree (find, find_all, by_id, text)."""
    parser = _Parser()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    parser.close()
    return parser.root


def field_errors(page: Node, field_id: str) -> list[str]:
    """Return the error messages shown beside one field (its -errors list)."""
    box = page.by_id(f"{field_id}-errors")
    return [li.text for li in box.find_all("li")] if box else []


def value_of(page: Node, field_id: str) -> str | None:
    """Return what a field shows: an input's value or a textarea's text."""
    node = page.by_id(field_id)
    if node is None:
        return None
    if node.tag == "textarea":
        text = "".join(node._texts())
        # The widget starts the content with a line break, which browsers drop.
        return text[2:] if text.startswith("\r\n") else text
    if node.tag == "select":
        chosen = [o for o in node.find_all("option") if "selected" in o.attrs]
        return chosen[0].attrs.get("value") if chosen else None
    return node.attrs.get("value")


def form_data(page: Node, *, button: str | None = "save") -> dict[str, list[str]]:
    """Return what a browser would submit from the page's main form (by the named button)."""
    form = next(
        f
        for f in page.find_all("form")
        if f.find("fieldset") or f.find("textarea") or len(f.find_all("input")) > 2
    )
    data: dict[str, list[str]] = {}
    for node in form.iter():
        name = node.attrs.get("name")
        if not name:
            continue
        if node.tag == "input":
            kind = node.attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in node.attrs:
                    data.setdefault(name, []).append(node.attrs.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                data.setdefault(name, []).append(node.attrs.get("value", ""))
        elif node.tag == "textarea":
            text = "".join(node._texts())
            data.setdefault(name, []).append(text[2:] if text.startswith("\r\n") else text)
        elif node.tag == "select":
            chosen = [o for o in node.find_all("option") if "selected" in o.attrs]
            if chosen:
                data.setdefault(name, []).append(chosen[0].attrs.get("value", ""))
    if button:
        data[button] = ["1"]
    return data
