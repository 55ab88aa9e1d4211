"""The accessibility statement (tillgänglighetsredogörelse) has what Digg asks for."""

from playwright.sync_api import expect

DIGG_FORM = (
    "https://www.digg.se/analys-och-uppfoljning/lagen-om-tillganglighet-till-digital-"
    "offentlig-service-dos-lagen/anmal-bristande-tillganglighet"
)


def test_the_statement_names_owner_status_shortcomings_method_date_contact_and_digg(
    site, page, settings
):
    page.goto(site + "/")
    page.get_by_role("contentinfo").get_by_role("link", name="Tillgänglighetsredogörelse").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Tillgänglighetsredogörelse")
    main = page.get_by_role("main")
    # Organisation and service.
    expect(main).to_contain_text(f"{settings.SITE_OWNER} står bakom den här webbplatsen.")
    expect(main).to_contain_text("gäller webbplatsen Samverkan")
    # Compliance status and the known shortcomings.
    expect(main).to_contain_text(
        "Webbplatsen är delvis förenlig med lagen om tillgänglighet till digital offentlig service"
    )
    shortcomings = page.get_by_role("heading", name="Innehåll som inte är tillgängligt")
    expect(shortcomings).to_be_visible()
    expect(main.locator("h3 + ul > li")).to_have_count(3)
    # How it was evaluated, and when.
    expect(main).to_contain_text("axe-core")
    expect(main).to_contain_text("Den senaste bedömningen gjordes den 22 november 2026.")
    expect(main).to_contain_text("Redogörelsen uppdaterades senast den 22 november 2026.")
    # Feedback contact and Digg's form.
    email = settings.SITE_CONTACT_EMAIL
    expect(main.locator(f'a[href="mailto:{email}"]').first).to_have_text(email)
    expect(
        page.get_by_role("link", name="Anmäl bristande tillgänglighet till Digg")
    ).to_have_attribute("href", DIGG_FORM)
