"""/favicon.ico, which browsers ask for where a page names no icon (the API's JSON pages): the console's
icon, not a 404 in the server's log and the browser's console."""

from django.templatetags.static import static


def test_favicon_ico_sends_the_browser_to_the_consoles_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == static("img/favicon.svg")


def test_the_icon_is_named_when_asked_for_not_when_the_urls_load(client, settings):
    """With DEBUG off the name carries the collected file's hash, known only once the files are collected."""
    settings.STATIC_URL = "/assets/"

    assert client.get("/favicon.ico")["Location"] == "/assets/img/favicon.svg"
