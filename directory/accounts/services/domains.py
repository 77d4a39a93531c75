"""Whether an e-mail address is on a clinic website's own domain (pure rules, no database)."""

from __future__ import annotations

from urllib.parse import urlsplit

# fmt: off
# Addresses anyone can get: owning one proves nothing about a clinic's website.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "outlook.co.uk", "hotmail.com",
        "hotmail.co.uk", "hotmail.fr", "live.com", "live.co.uk", "msn.com", "yahoo.com",
        "yahoo.co.uk", "yahoo.fr", "ymail.com", "aol.com", "icloud.com", "me.com", "mac.com",
        "proton.me", "protonmail.com", "pm.me", "gmx.com", "gmx.de", "gmx.net", "web.de",
        "mail.com", "zoho.com", "yandex.com", "yandex.ru", "mail.ru", "qq.com", "163.com",
        "126.com", "btinternet.com", "sky.com", "virginmedia.com", "talktalk.net",
        "orange.fr", "free.fr", "laposte.net", "wanadoo.fr", "fastmail.com", "tutanota.com",
        "hey.com", "rocketmail.com", "nhs.net",
    }
)
# Website hosts shared by many organisations: a matching address proves nothing either.
SHARED_WEBSITE_HOSTS = frozenset(
    {
        "nhs.uk", "nhs.net", "gov.uk", "facebook.com", "instagram.com", "google.com",
        "business.site", "wixsite.com", "wordpress.com", "blogspot.com", "linktr.ee",
        "squarespace.com", "godaddysites.com", "weebly.com", "tiktok.com", "x.com",
        "twitter.com", "linkedin.com", "yell.com", "treatwell.co.uk", "fresha.com",
        "booksy.com", "github.io",
    }
)
# fmt: on


def email_domain(email: str) -> str:
    """Return the address's domain in lower case, without a trailing dot."""
    return email.rsplit("@", 1)[-1].strip().lower().rstrip(".")


def website_host(website: str | None) -> str:
    """Return the website's host name without a leading www., or ''."""
    if not website:
        return ""
    text = website.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        host = (urlsplit(text).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _within(host: str, domains: frozenset[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def domain_matches(email: str, website: str | None) -> bool:
    """Tell whether the address's domain is the clinic website's own domain.

    Free-mail domains and hosts shared by many organisations never match.
    """
    domain = email_domain(email).removeprefix("www.")
    host = website_host(website)
    if not domain or not host or "." not in domain:
        return False
    if _within(domain, FREE_MAIL_DOMAINS) or _within(host, SHARED_WEBSITE_HOSTS):
        return False
    return host == domain or host.endswith("." + domain)
