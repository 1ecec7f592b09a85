"""The practice page in a real browser: be Riet, send /start, read the bot's welcome."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import sys

import pytest

from tests.support import REPO
from tests.test_inbox_and_webhook import free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Debian chromium for the browser test: make test installs it")
    pytest.skip("chromium is not installed (scripts/ensure-chromium.sh)", allow_module_level=True)


class PracticeProcess:
    """``omkijkbot practice`` as a kwartiermaker starts it: its own process, its own
    directory; stopped with SIGTERM as Ctrl+C would."""

    def __init__(self, directory, *args: str, **env: str) -> None:
        self.directory = directory
        self.args = args
        self.port = free_port()
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("OMKIJK_", "TELEGRAM_"))
        }
        # This checkout's code, not whichever copy the virtualenv has installed.
        self.env["PYTHONPATH"] = str(REPO)
        self.env.update({"OMKIJK_PRACTICE_PORT": str(self.port), **env})
        self.output: list[str] = []
        self.url = f"http://127.0.0.1:{self.port}/"

    async def __aenter__(self) -> PracticeProcess:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "practice",
            *self.args,
            cwd=self.directory,
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )

        async def ready():
            while line := await self.proc.stdout.readline():
                self.output.append(line.decode())
                if "oefenpagina" in self.output[-1]:
                    return
            raise RuntimeError("practice mode exited:\n" + "".join(self.output))

        await asyncio.wait_for(ready(), 60)
        self._drain = asyncio.create_task(self._read_on())
        return self

    async def _read_on(self) -> None:
        while line := await self.proc.stdout.readline():
            self.output.append(line.decode())

    async def __aexit__(self, *exc_info) -> None:
        self.proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.proc.wait(), 30)
        await asyncio.wait_for(self._drain, 5)
        assert code == 0, "".join(self.output)


@pytest.fixture
async def practice(tmp_path):
    # The operator's real database is named in the environment: practice leaves it be.
    real = tmp_path / "real" / "omkijk.sqlite3"
    async with PracticeProcess(tmp_path, OMKIJK_DB=str(real)) as process:
        yield process.url
    assert (tmp_path / "omkijk-practice.sqlite3").exists() and not real.parent.exists()


@pytest.fixture
async def browser():
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        try:
            yield browser
        finally:
            await browser.close()


async def test_practice_page_start_gets_the_dutch_welcome(practice, browser, tmp_path):
    from playwright.async_api import expect

    page = await browser.new_page(viewport={"width": 1200, "height": 900})
    await page.goto(practice)
    await expect(page.get_by_role("heading", name="Omkijkbot oefenen")).to_be_visible()
    pane = page.locator("[data-testid=pane-1]")
    await expect(pane.locator("button[data-person=Riet]")).to_have_attribute("aria-pressed", "true")
    await pane.get_by_test_id("input").fill("/start")
    await pane.get_by_test_id("send").click()
    welcome = pane.locator(".from-bot .bubble").first
    await expect(welcome).to_contain_text("Welkom, Riet! Leuk dat je er bent.")
    await expect(welcome).to_contain_text("Bij nood: bel 112.")
    # The big menu buttons work too: tap "Taal" and choose English.
    await pane.get_by_test_id("reply-keyboard").get_by_text("🌐 Taal").click()
    await pane.get_by_role("button", name="English").click()
    await expect(pane.locator(".from-bot .bubble").nth(1)).to_have_text(
        "Done: I will write to you in English from now on."
    )
    # The page follows her: her window (and the header, which follows the first window)
    # is in English now, Henk's window stays Dutch.
    await expect(pane.locator(".who .label")).to_have_text("Who are you?")
    await expect(page.get_by_role("heading", name="Omkijkbot practice")).to_be_visible()
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.locator("[data-testid=pane-2] .who .label")).to_have_text("Wie ben je?")
    await expect(page.locator("[data-testid=pane-2] button[data-person=Riet] small")).to_have_text(
        "(lid, 82 jaar)"
    )
    # Another person in the other pane is not affected.
    other = page.locator("[data-testid=pane-2]")
    await other.get_by_test_id("input").fill("/start")
    await other.get_by_test_id("send").click()
    # Henk added the bot to the group, so he is voorzitter: onboarding starts.
    await expect(other.locator(".from-bot .bubble").first).to_contain_text(
        "Leuk dat je meedoet met Buurtkring Zandweerd!"
    )
    await other.get_by_role("button", name="Henk", exact=True).last.click()
    await expect(other.locator(".from-bot .bubble").last).to_contain_text(
        "In welke taal wil je het lezen?"
    )
    # Riet opens the group and taps "Doe mee": the private chat opens with her link.
    await pane.locator("button[data-chat]").filter(has_text="Buurtkring Zandweerd").click()
    await expect(pane.locator(".from-bot .bubble").first).to_contain_text(
        "Hallo allemaal! Ik ben Omkijkbot."
    )
    await pane.get_by_role("button", name="👋 Doe mee").click()
    await expect(pane.locator(".from-bot .bubble").last).to_contain_text(
        "Nice that you are joining Buurtkring Zandweerd!"
    )
    await page.screenshot(path=str(tmp_path / "practice.png"), full_page=True)


async def test_the_beheerder_is_there_and_hears_what_is_meant_for_her(practice, browser):
    """Bea, the practice beheerder (OMKIJK_ADMIN_IDS), is a sixth person on the page: when
    Henk removes the bot from the circle's group, she is told, as a beheerder would be."""
    from playwright.async_api import expect

    page = await browser.new_page(viewport={"width": 1200, "height": 900})
    await page.goto(practice)
    bea, henk = page.locator("[data-testid=pane-1]"), page.locator("[data-testid=pane-2]")
    await bea.locator("button[data-person=Bea]").click()
    await expect(bea.locator("button[data-person=Bea] small")).to_have_text("(beheerder)")
    await expect(bea.locator("button[data-person]")).to_have_count(6)
    # Bea is not in the circle's group: her only chat is the private one with the bot.
    await expect(bea.locator("button[data-chat]")).to_have_count(1)
    await henk.locator("summary").click()
    await henk.get_by_role("button", name="Bot uit de groep halen").click()
    await expect(bea.locator(".from-bot .bubble").last).to_contain_text(
        "Omkijkbot, voor de beheerder: de kring “Buurtkring Zandweerd”"
    )


async def join_the_circle(pane, name: str, *, share_phone: bool = False) -> None:
    """``name`` opens the group, taps "Doe mee" and answers the onboarding in Dutch."""
    from playwright.async_api import expect

    await pane.locator(f"button[data-person={name}]").click()
    await pane.locator("button[data-chat]").filter(has_text="Buurtkring Zandweerd").click()
    await pane.get_by_role("button", name="👋 Doe mee").last.click()
    # Each answer waits for its own question: a tap on an older one would be a stale one.
    for question, answer in (
        ("Leuk dat je meedoet met Buurtkring Zandweerd!", name),
        ("In welke taal wil je het lezen?", "Nederlands"),
        ("Doe je mee?", "✅ Ja, ik doe mee"),
        ("Mag zo'n zorg over jou ook naar de professional", "Ja, dat mag"),
        ("Waar heb je plezier in?", "Overslaan"),
        ("Wat zou je voor een ander kunnen doen?", "Overslaan"),
    ):
        asked = pane.locator(".from-bot").filter(has_text=question).last
        await asked.get_by_role("button", name=answer, exact=True).click()
        if answer == "Ja, dat mag":
            keyboard = pane.get_by_test_id("reply-keyboard")
            share = "📞 Ja, deel mijn nummer" if share_phone else "Liever niet"
            await keyboard.get_by_role("button", name=share).click()
    await expect(pane.get_by_test_id("reply-keyboard")).to_contain_text("Ik zoek hulp")


async def say(pane, text: str) -> None:
    await pane.get_by_test_id("input").fill(text)
    await pane.get_by_test_id("send").click()


async def test_time_moves_on_the_page_to_the_check_in_and_up_the_ladder(tmp_path, browser):
    """The bot's clock on the page: +10 min, to the next event (Riet's "Alles goed?" at
    10:00), and a faster speed that runs the ladder to its last rung, Bea: no restart."""
    from playwright.async_api import expect

    start = "2026-11-24T09:40:00+01:00"  # a Tuesday
    async with PracticeProcess(tmp_path, OMKIJK_CLOCK_START=start) as practice:
        page = await browser.new_page(viewport={"width": 1200, "height": 900})
        await page.goto(practice.url)
        clock = page.get_by_test_id("clock")
        now = clock.get_by_test_id("clock-now")
        await expect(now).to_have_text("dinsdag 24 november om 09:40")
        await clock.get_by_role("button", name="+10 min").click()
        await expect(now).to_have_text("dinsdag 24 november om 09:50")

        await dismiss_alerts(page)
        riet, bea = page.locator("[data-testid=pane-1]"), page.locator("[data-testid=pane-2]")
        await join_the_circle(riet, "Riet")
        await say(riet, "/waakvlam")
        await riet.locator(".from-bot").last.get_by_role("button", name="✅ Aanzetten").click()
        await expect(clock.get_by_test_id("clock-next")).to_have_text(
            "Volgende gebeurtenis: dinsdag 24 november om 10:00"
        )
        await clock.get_by_role("button", name="Naar de volgende gebeurtenis").click()
        await expect(now).to_have_text("dinsdag 24 november om 10:00")
        await expect(riet.locator(".from-bot .bubble").last).to_contain_text(
            "Goedemorgen Riet, alles goed?"
        )

        # Riet does not answer. At one hour a second the ladder climbs: asked again, then
        # nobody in the circle can be reached yet (nobody else joined), so Bea is told.
        await bea.locator("button[data-person=Bea]").click()
        await clock.get_by_test_id("speed").select_option(label="1 seconde is 1 uur")
        await expect(bea.locator(".from-bot .bubble").last).to_contain_text(
            "Waakvlam: een bericht voor de beheerder.", timeout=15_000
        )
        await clock.get_by_test_id("speed").select_option(label="gewone tijd")
        await expect(clock.get_by_test_id("speed")).to_have_value("1")
        await expect(
            riet.locator(".from-bot .bubble").filter(has_text="Ik vroeg het eerder al")
        ).to_have_count(1)


async def test_a_restart_keeps_the_chats_and_fresh_starts_over(tmp_path, browser):
    """Stopping and starting practice mode (to change the speed, say) shows the same chats
    and the bot still reaches everyone; ``--fresh`` starts over and says so."""
    from playwright.async_api import expect

    start = "2026-11-24T09:40:00+01:00"
    page = await browser.new_page(viewport={"width": 1200, "height": 900})
    riet = page.locator("[data-testid=pane-1]")
    now = page.get_by_test_id("clock-now")
    async with PracticeProcess(tmp_path, OMKIJK_CLOCK_START=start) as practice:
        await page.goto(practice.url)
        await say(riet, "/start")
        await expect(riet.locator(".from-bot .bubble")).to_contain_text(["Welkom, Riet!"])
        await page.get_by_role("button", name="+1 uur").click()
        await expect(now).to_have_text("dinsdag 24 november om 10:40")
    assert any("A new practice circle." in line for line in practice.output)

    async with PracticeProcess(tmp_path, OMKIJK_CLOCK_START=start) as practice:
        await page.goto(practice.url)
        await expect(riet.locator(".from-me .bubble")).to_have_text(["/start"])
        await expect(riet.locator(".from-bot .bubble")).to_contain_text(["Welkom, Riet!"])
        await expect(now).to_have_text("dinsdag 24 november om 10:40")  # not back to 09:40
        # The bot still reaches her: the big buttons under the input work.
        await riet.get_by_test_id("reply-keyboard").get_by_text("🌐 Taal").click()
        await expect(riet.locator(".from-bot .bubble").last).to_have_text(
            "In welke taal wil je het lezen?"
        )
        # One circle, one welcome in the group: the bot was not added a second time.
        await riet.locator("button[data-chat]").filter(has_text="Buurtkring Zandweerd").click()
        await expect(riet.locator(".from-bot .bubble")).to_have_count(1)
    assert any("goes on where it was" in line for line in practice.output)

    async with PracticeProcess(tmp_path, "--fresh", OMKIJK_CLOCK_START=start) as practice:
        await page.goto(practice.url)
        await expect(riet.locator(".empty")).to_have_text(
            "Nog geen berichten. Typ /start en druk op Verstuur om te beginnen."
        )
        await expect(now).to_have_text("dinsdag 24 november om 09:40")
    assert any("Fresh start" in line for line in practice.output)


async def test_pictures_files_and_links_open_on_the_page(practice, browser):
    """Henk's week comes with its chart as a picture, /mijngegevens as documents that
    open, and the professional's link, passed on to Fatima, opens her chat with the bot
    with /start <code> sent, as Telegram does."""
    from playwright.async_api import expect

    page = await browser.new_page(viewport={"width": 1200, "height": 900})
    await page.goto(practice)
    henk, other = page.locator("[data-testid=pane-1]"), page.locator("[data-testid=pane-2]")
    await join_the_circle(henk, "Henk", share_phone=True)
    # His shared number is a card; a voice note of his has a player.
    await expect(henk.locator(".from-me .card")).to_have_text(["📇 ContactHenk+31600000103"])
    await henk.get_by_role("button", name="Spraakbericht insturen").click()
    player = henk.locator(".from-me audio")
    await expect(player).to_have_attribute("src", re.compile(r"^/emu/api/file/F\d+$"))

    await say(henk, "/overzicht")
    chart = henk.locator(".from-bot img.photo")
    await expect(chart).to_have_attribute(
        "alt", "📈 De laatste acht weken van Buurtkring Zandweerd."
    )
    assert await chart.evaluate("img => img.decode().then(() => img.naturalWidth)") > 100

    await say(henk, "/mijngegevens")
    readable = henk.locator(".from-bot a.document").filter(has_text="omkijkbot-gegevens.txt")
    await expect(henk.locator(".from-bot a.document")).to_have_count(2)
    async with page.context.expect_page() as opened:
        await readable.click()
    document = await opened.value
    await expect(document.locator("body")).to_contain_text("Henk")
    await document.close()

    await say(henk, "/cirkel")
    await henk.get_by_role("button", name="Een professional koppelen").click()
    link = henk.locator(".from-bot .words a[data-start]").last
    await expect(link).to_have_text(re.compile(r"^https://t\.me/OmkijkOefenBot\?start=p_"))
    code = await link.get_attribute("data-start")
    await henk.locator(".pass-on").last.select_option(label="Fatima")
    # Henk's window is Fatima's now: her private chat, her /start with the code.
    await expect(henk.locator("button[data-person=Fatima]")).to_have_attribute(
        "aria-pressed", "true"
    )
    await expect(henk.locator(".from-me .bubble")).to_have_text([f"/start {code}"])
    await expect(henk.locator(".from-bot .bubble").last).to_contain_text(
        "als professional gekoppeld aan Buurtkring Zandweerd"
    )
    # Henk's own chat (the other window) has no /start of his: the link went to Fatima.
    await expect(other.locator(".from-me .bubble").filter(has_text="start p_")).to_have_count(0)


async def test_telegrams_furniture_menu_keyboard_toast_and_alert(tmp_path, browser):
    """The "/" menu per chat and language, the reply keyboard under the input, a toast
    that goes by itself and a show_alert answer as a dialog with OK."""
    from playwright.async_api import expect

    start = "2026-11-24T09:40:00+01:00"
    async with PracticeProcess(tmp_path, OMKIJK_CLOCK_START=start) as practice:
        page = await browser.new_page(viewport={"width": 1200, "height": 900})
        await page.goto(practice.url)
        riet = page.locator("[data-testid=pane-1]")
        await join_the_circle(riet, "Riet")

        # The command menu of a private chat, in her language; typing "/wa" filters it.
        menu = riet.get_by_test_id("command-menu")
        await riet.get_by_test_id("menu-button").click()
        await expect(menu.get_by_role("menuitem", name="/hulpvraag")).to_contain_text(
            "Je buren om hulp vragen"
        )
        await riet.get_by_test_id("menu-button").click()
        await expect(menu).to_be_hidden()
        await riet.get_by_test_id("input").press_sequentially("/wa")
        await expect(menu.get_by_role("menuitem")).to_have_count(1)
        await menu.get_by_role("menuitem", name="/waakvlam").click()
        await expect(riet.locator(".from-me .bubble").last).to_have_text("/waakvlam")

        # "Saved." is a confirmation a screen reader must read: a dialog that waits for OK
        # (the bot answers no tap with a passing toast any more).
        await riet.locator(".from-bot").last.get_by_role("button", name="✅ Aanzetten").click()
        saved = page.get_by_test_id("alert")
        await expect(saved).to_contain_text("Bewaard.")
        await saved.get_by_role("button", name="Oké").click()
        await expect(saved).to_be_hidden()

        # The reply keyboard sits under the input, and folds away and back.
        keyboard, field = riet.get_by_test_id("reply-keyboard"), riet.get_by_test_id("input")
        under, above = await keyboard.bounding_box(), await field.bounding_box()
        assert under["y"] >= above["y"] + above["height"]
        await riet.get_by_test_id("keyboard-toggle").click()
        await expect(keyboard.get_by_role("button")).to_have_count(0)
        await riet.get_by_test_id("keyboard-toggle").click()
        await expect(keyboard.get_by_role("button", name="🌐 Taal")).to_be_visible()

        # An alert: her "Alles goed?" comes, a message of hers answers it, and the button
        # tapped after that says so in a dialog that waits for OK.
        await page.get_by_role("button", name="Naar de volgende gebeurtenis").click()
        question = riet.locator(".from-bot").filter(has_text="Goedemorgen Riet, alles goed?")
        await expect(question).to_have_count(1)
        await say(riet, "Goedemorgen!")
        await expect(riet.locator(".from-bot .bubble").last).not_to_contain_text("Goedemorgen Riet")
        await question.get_by_role("button", name="👍 Alles goed").click()
        dialog = page.get_by_test_id("alert")
        await expect(dialog).to_be_visible()
        await expect(dialog).to_contain_text("Je hebt al gereageerd. Dank je wel!")
        await dialog.get_by_role("button", name="Oké").click()
        await expect(dialog).to_be_hidden()

        # In the group the menu is the group's: /help only.
        await riet.locator("button[data-chat]").filter(has_text="Buurtkring Zandweerd").click()
        await riet.get_by_test_id("menu-button").click()
        await expect(menu.get_by_role("menuitem")).to_have_text(
            ["/helpWat deze bot doet", "/hulpvraagJe buren om hulp vragen"]
        )


# Every control a finger or a mouse uses, as the page shows it.
CONTROLS = "button, select, input, summary, a.document, [role=menuitem]"


async def test_the_page_fits_a_phone_and_a_beamer(practice, browser, tmp_path):
    """No horizontal scroll at 360 px wide (a phone, or a 720 px window at 200 % zoom) nor
    at 640 px (1280 px at 200 %), and every touch target at least 44 by 44 px."""
    from playwright.async_api import expect

    page = await browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    await page.goto(practice)
    riet = page.locator("[data-testid=pane-1]")
    await say(riet, "/start")
    await expect(riet.get_by_test_id("reply-keyboard")).to_contain_text("Taal")
    await say(riet, "/taal")
    await expect(riet.locator(".from-bot .inline-keyboard").last).to_contain_text("English")
    await riet.get_by_test_id("menu-button").click()
    await riet.locator("summary").click()
    await expect(page.get_by_test_id("clock-now")).to_contain_text("om")
    await expect(page.get_by_test_id("demo").locator(".journeys button")).to_have_count(6)

    shot = tmp_path / "practice-360.png"
    await page.screenshot(path=str(shot), full_page=True)
    width = int.from_bytes(shot.read_bytes()[16:20], "big")  # the PNG's IHDR
    assert width == 360 * 2, f"the page is {width / 2} px wide at 360 px: it scrolls sideways"
    too_small = await page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
            .filter((e) => e.offsetParent !== null)
            .map((e) => [e.textContent.trim().slice(0, 30), e.getBoundingClientRect()])
            .filter(([, box]) => box.width < 44 || box.height < 44)
            .map(([text, box]) => `${text}: ${Math.round(box.width)}x${Math.round(box.height)}`)""",
        CONTROLS,
    )
    assert too_small == [], too_small
    assert await page.locator(CONTROLS).count() > 30  # the check saw the page's controls

    await page.set_viewport_size({"width": 640, "height": 400})
    assert await page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    # The letters are those of a readable page, not shrunk to fit.
    assert await page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 18


async def dismiss_alerts(page) -> None:
    """Tap OK on a dialog of the bot's whenever it stands in the way, as a person does."""
    alert = page.get_by_test_id("alert")
    await page.add_locator_handler(alert, lambda: alert.get_by_role("button", name="Oké").click())


async def test_the_guided_demo_from_start_to_end(tmp_path, browser):
    """ "Probeer dit": each step puts the right person in a window and points at what to
    tap next; tapping what it points at, step after step, walks the five journeys."""
    from playwright.async_api import expect

    start = "2026-11-24T09:40:00+01:00"
    async with PracticeProcess(tmp_path, OMKIJK_CLOCK_START=start) as practice:
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        await page.goto(practice.url)
        await dismiss_alerts(page)
        demo = page.get_by_test_id("demo")
        count, text = demo.get_by_test_id("demo-count"), demo.get_by_test_id("demo-step")
        await expect(demo.get_by_role("button", name="1. De kring begint")).to_be_visible()
        await expect(demo.locator(".journeys button")).to_have_count(6)
        pane = {1: page.locator("[data-testid=pane-1]"), 2: page.locator("[data-testid=pane-2]")}
        # What each journey leaves behind, seen at the step that says so.
        outcomes = {
            "Riet hoort meteen wie haar helpt.": (1, "Goed nieuws: Sandra helpt je"),
            "Door naar 10:00": (1, "Goedemorgen Riet, alles goed?"),
            "Een uur later": (1, "Ik vroeg het eerder al"),
            "Nog steeds geen antwoord": (2, "Riet heeft vandaag nog niet gereageerd"),
            "Alles is goed.": (2, "Ik laat de anderen weten dat het goed is met Riet."),
            "Voor deze demo houdt Jan": (1, "Prima, er is niets gewist."),
        }
        journeys, steps, shown = set(), 0, ""
        while True:
            await demo.get_by_test_id("demo-next").click()
            await expect(count).not_to_have_text(shown)  # the next step is there
            shown = await count.text_content()
            if not shown:
                break
            steps += 1
            journeys.add(shown.split(": ", 1)[1])
            kind = await text.get_attribute("data-kind")
            target = page.locator(".demo-target")
            if kind in ("tap", "send", "action"):
                await expect(target).to_have_count(1)
                await target.click()
            elif kind == "open":
                async with page.context.expect_page() as opened:
                    await target.click()
                await (await opened.value).close()
            if kind == "action":
                await expect(target).to_have_count(0, timeout=30_000)  # done
            if kind == "tap" and "Doe mee" in await text.text_content():
                await join_the_circle(pane[1], "Henk")  # the questions, answered by hand
            for said, (window, seen) in outcomes.items():
                if said in await text.text_content():
                    await expect(pane[window].locator(".from-bot").last).to_contain_text(seen)
        await expect(text).to_have_text(
            "Dat was de demo. Probeer verder alles wat je wilt: elk venster is een buur."
        )
        assert steps == 28 and len(journeys) == 6, (steps, journeys)
        # The worry reached Fatima, and Jan heard she picked it up.
        await pane[1].locator("button[data-person=Jan]").click()
        await expect(pane[1].locator(".from-bot .bubble")).to_contain_text(
            ["Fatima (professional) heeft je zorg opgepakt."]
        )
