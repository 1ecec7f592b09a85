"""Circles end to end: a group becomes a circle, people join, roles, invites, the group's life."""

from __future__ import annotations

from domain.policy import Role


async def _circle_of(world, chat_id):
    circle = await world.store.circle_by_chat(chat_id)
    assert circle is not None
    return circle


async def _roles(world, circle_id):
    return {m.display_name: m.role for m in await world.store.members(circle_id)}


async def test_bot_added_to_group_makes_a_circle_with_the_adder_as_voorzitter(world):
    henk = world.person("Henk")
    chat_id = await world.group_with_bot("Buurtkring Zandweerd", henk)
    circle = await _circle_of(world, chat_id)
    assert circle.title == "Buurtkring Zandweerd" and circle.active
    [welcome] = world.emulator.bot_messages(chat_id)
    assert welcome["text"].startswith("Hallo allemaal! Ik ben Omkijkbot.")
    [button] = world.emulator.buttons(welcome)
    assert button["text"] == "👋 Doe mee"
    assert button["url"] == f"https://t.me/OmkijkOefenBot?start=c_{circle.join_code}"
    [henk_member] = await world.store.members(circle.id)
    assert henk_member.role == Role.VOORZITTER and not henk_member.consented
    # Henk opens the bot privately: onboarding for his circle starts by itself.
    await world.say(henk, "/start")
    assert "Leuk dat je meedoet met Buurtkring Zandweerd!" in world.texts(henk.id)[-1]


async def test_three_people_join_via_the_link_in_dutch_and_english(world):
    henk, riet, sandra = world.person("Henk"), world.person("Riet"), world.person("Sandra")
    anna = world.person("Anna", language_code="en")
    chat_id = await world.group_with_bot("Zandweerd", henk, [riet, sandra, anna])
    code = world.join_link_code(chat_id)
    await world.join(riet, code, share_phone=True, can_offer="boodschappen doen")
    assert world.texts(riet.id)[-1] == "Welkom in Zandweerd, Riet! Hieronder staat je menu."
    await world.join(sandra, code)
    await world.join(anna, code, language="English")
    assert world.texts(anna.id)[-1] == "Welcome to Zandweerd, Anna! Your menu is below."
    circle = await _circle_of(world, chat_id)
    members = {m.display_name: m for m in await world.store.members(circle.id)}
    assert set(members) == {"Henk", "Riet", "Sandra", "Anna"}
    assert members["Riet"].consented and members["Riet"].phone == "+31612345678"
    assert members["Riet"].professional_consent and members["Riet"].share_phone
    riet_user = await world.store.user(riet.id)
    assert riet_user.enjoys == "wandelen" and riet_user.can_offer == "boodschappen doen"
    assert (await world.store.user(anna.id)).language == "en"
    # the group is told, kindly
    assert "👋 Riet doet nu mee. Leuk dat je er bent!" in world.texts(chat_id)
    # the member menu has the circle's buttons
    keyboard = world.emulator.bot_messages(riet.id)[-1]["_keyboard"]["keyboard"]
    assert [[b["text"] for b in row] for row in keyboard[:3]] == [
        ["🙏 Ik zoek hulp", "🤝 Ik help"],
        ["🕯️ Mijn “Alles goed?”", "💭 Ik maak me zorgen"],
        ["👥 Mijn kring", "🧭 Wegwijzer"],
    ]


async def test_onboarding_answers_are_not_asked_twice(world):
    henk, riet = world.person("Henk"), world.person("Riet")
    first = await world.group_with_bot("Kring A", henk, [riet])
    second = await world.group_with_bot("Kring B", henk, [riet])
    await world.join(riet, world.join_link_code(first), enjoys="kaarten", can_offer="rijden")
    # In the second circle she is not asked again what she enjoys or can do.
    await world.join(riet, world.join_link_code(second), enjoys=None, can_offer=None)
    assert world.texts(riet.id)[-1] == "Welkom in Kring B, Riet! Hieronder staat je menu."
    asked = [t for t in world.texts(riet.id) if t.startswith("Waar heb je plezier in?")]
    assert len(asked) == 1


async def test_a_member_in_two_circles_is_asked_which_one_once(world):
    henk, riet = world.person("Henk"), world.person("Riet")
    first = await world.group_with_bot("Kring A", henk, [riet])
    second = await world.group_with_bot("Kring B", henk, [riet])
    await world.join(riet, world.join_link_code(first))
    await world.join(riet, world.join_link_code(second))
    [question] = await world.say(riet, "/cirkel")
    assert question["text"] == "Over welke kring gaat het?"
    assert [b["text"] for b in world.emulator.buttons(question)] == ["Kring A", "Kring B"]
    [overview] = await world.tap(riet, "Kring B")
    assert overview["text"].startswith("Kring B\n")
    assert "• Riet — lid" in overview["text"]
    assert "• Henk — voorzitter (doet nog niet mee)" in overview["text"]


async def test_roles_change_and_rights_follow(world):
    henk, riet = world.person("Henk"), world.person("Riet")
    chat_id = await world.group_with_bot("Zandweerd", henk, [riet])
    code = world.join_link_code(chat_id)
    await world.join(henk, code)
    await world.join(riet, code)
    # A member may not invite.
    [refusal] = await world.say(riet, "/uitnodigen")
    assert refusal["text"].startswith("Dit kan alleen de voorzitter")
    # A member sees no role buttons, and a forged one is refused.
    [overview] = await world.say(riet, "/cirkel")
    labels = [b["text"] for b in world.emulator.buttons(overview)]
    assert labels == ["Ik wil stoppen met deze kring"]
    circle = await _circle_of(world, chat_id)
    riet_member = await world.store.member_of(circle.id, riet.id)
    await world.press(riet, overview, f"cm:r:{riet_member.id}:voorzitter", forge=True)
    assert world.last_alert() == "Dit kan (nu) niet voor jou."
    assert (await _roles(world, circle.id))["Riet"] == "lid"
    # Henk makes Riet superbuur with buttons.
    await world.say(henk, "/cirkel")
    await world.tap(henk, "Rollen aanpassen")
    await world.tap(henk, "Riet — lid")
    await world.tap(henk, "superbuur")
    assert world.last_alert() == "Gedaan: Riet is nu superbuur."
    assert (await _roles(world, circle.id))["Riet"] == "superbuur"
    assert world.texts(riet.id)[-1] == "Henk heeft je superbuur gemaakt in Zandweerd."
    # Now she may invite.
    [invite] = await world.say(riet, "/uitnodigen")
    assert invite["text"].startswith("Stuur deze link naar je buur. Hij werkt één keer, tot ")
    assert "https://t.me/OmkijkOefenBot?start=c_" in invite["text"]


async def test_the_last_voorzitter_cannot_step_down_but_can_hand_over(world):
    henk, riet = world.person("Henk"), world.person("Riet")
    chat_id = await world.group_with_bot("Zandweerd", henk, [riet])
    code = world.join_link_code(chat_id)
    await world.join(henk, code)
    await world.join(riet, code)
    circle = await _circle_of(world, chat_id)
    await world.say(henk, "/cirkel")
    await world.tap(henk, "Rollen aanpassen")
    await world.tap(henk, "Henk — voorzitter")
    await world.tap(henk, "lid")
    assert world.last_alert().startswith("Een kring heeft altijd een voorzitter nodig.")
    # hand over: Riet becomes voorzitter, then Henk steps down
    await world.say(henk, "/cirkel")
    await world.tap(henk, "Rollen aanpassen")
    await world.tap(henk, "Riet — lid")
    await world.tap(henk, "voorzitter")
    await world.say(henk, "/cirkel")
    await world.tap(henk, "Rollen aanpassen")
    await world.tap(henk, "Henk — voorzitter")
    await world.tap(henk, "lid")
    assert await _roles(world, circle.id) == {"Riet": "voorzitter", "Henk": "lid"}


async def test_single_voorzitter_is_nudged_to_name_a_second(world):
    henk, riet, sandra = world.person("Henk"), world.person("Riet"), world.person("Sandra")
    chat_id = await world.group_with_bot("Zandweerd", henk, [riet, sandra])
    code = world.join_link_code(chat_id)
    for person in (henk, riet, sandra):
        await world.join(person, code)
    [overview] = await world.say(henk, "/cirkel")
    assert "💡 Een kring draait beter met twee aanspreekpunten" in overview["text"]
    [member_view] = await world.say(riet, "/cirkel")
    assert "💡" not in member_view["text"]


async def test_a_voorzitter_leaving_hands_the_chair_to_the_superburen(world):
    henk, riet, sandra = world.person("Henk"), world.person("Riet"), world.person("Sandra")
    chat_id = await world.group_with_bot("Zandweerd", henk, [riet, sandra])
    code = world.join_link_code(chat_id)
    for person in (henk, riet, sandra):
        await world.join(person, code)
    circle = await _circle_of(world, chat_id)
    await world.say(henk, "/cirkel")
    await world.tap(henk, "Rollen aanpassen")
    await world.tap(henk, "Sandra — lid")
    await world.tap(henk, "superbuur")
    await world.say(henk, "/cirkel")
    await world.tap(henk, "Ik wil stoppen met deze kring")
    await world.tap(henk, "Ja, ik stop")
    assert world.texts(henk.id)[-1] == "Je bent gestopt met Zandweerd. Het ga je goed!"
    ask = world.emulator.bot_messages(sandra.id)[-1]
    assert ask["text"].startswith("Zandweerd heeft geen voorzitter meer.")
    assert world.emulator.bot_messages(riet.id)[-1]["text"].startswith("Welkom")  # not asked
    await world.tap(sandra, "✋")
    assert world.texts(sandra.id)[-1] == "Dank je wel! Jij bent nu de voorzitter van Zandweerd."
    assert await _roles(world, circle.id) == {"Sandra": "voorzitter", "Riet": "lid"}


async def test_personal_invite_expires_and_can_be_withdrawn(world):
    henk, riet, jan = world.person("Henk"), world.person("Riet"), world.person("Jan")
    chat_id = await world.group_with_bot("Zandweerd", henk)
    await world.join(henk, world.join_link_code(chat_id))
    [invite] = await world.say(henk, "/uitnodigen")
    code = invite["text"].split("?start=")[1]
    world.clock.advance(days=8)
    [reply] = await world.say(riet, f"/start {code}")
    assert reply["text"] == (
        "Deze uitnodiging is verlopen. Vraag degene die hem stuurde om een nieuwe link."
    )
    [invite] = await world.say(henk, "/uitnodigen")
    code = invite["text"].split("?start=")[1]
    await world.tap(henk, "Deze link intrekken")
    assert world.texts(henk.id)[-1] == "De link is ingetrokken. Hij werkt niet meer."
    [reply] = await world.say(jan, f"/start {code}")
    assert reply["text"].startswith("Deze uitnodiging is ingetrokken.")
    # A fresh personal link works once.
    [invite] = await world.say(henk, "/uitnodigen")
    code = invite["text"].split("?start=")[1]
    await world.join(riet, code)
    [reply] = await world.say(jan, f"/start {code}")
    assert reply["text"].startswith("Deze uitnodiging is al gebruikt.")
    assert (await world.store.invite(code[2:])).used_by == riet.id


async def test_unknown_link_and_a_stranger(world):
    stranger = world.person("Kees")
    [reply] = await world.say(stranger, "/start c_bestaatniet")
    assert reply["text"].startswith("Deze link ken ik niet.")
    [reply] = await world.say(stranger, "/start")
    assert reply["text"].startswith("Welkom, Kees! Leuk dat je er bent.")
    for command in ("/cirkel", "/wegwijzer", "/uitnodigen"):
        [reply] = await world.say(stranger, command)
        assert reply["text"].startswith("Je doet nog niet mee met een buurtkring.")
    [reply] = await world.say(stranger, "👥 Mijn kring")
    assert reply["text"].startswith("Je doet nog niet mee met een buurtkring.")


async def test_a_professional_linked_by_code_sees_only_what_is_sent(world):
    henk, fatima = world.person("Henk"), world.person("Fatima")
    chat_id = await world.group_with_bot("Zandweerd", henk)
    await world.join(henk, world.join_link_code(chat_id))
    await world.say(henk, "/cirkel")
    [link] = await world.tap(henk, "Een professional koppelen")
    assert link["text"].startswith("Stuur deze link naar de professional")
    code = link["text"].split("?start=")[1]
    assert code.startswith("p_")
    await world.say(fatima, f"/start {code}")
    assert "als professional gekoppeld aan Zandweerd" in world.texts(fatima.id)[-1]
    await world.tap(fatima, "Fatima")
    await world.tap(fatima, "Nederlands")
    await world.tap(fatima, "✅ Ja, koppel mij")
    assert world.texts(fatima.id)[-1] == "Welkom in Zandweerd, Fatima! Hieronder staat je menu."
    assert world.texts(henk.id)[-1] == "Fatima is nu als professional gekoppeld aan Zandweerd."
    circle = await _circle_of(world, chat_id)
    assert (await _roles(world, circle.id))["Fatima"] == "professional"
    # not posted in the group; and she cannot see the member list
    assert not any("Fatima" in t for t in world.texts(chat_id))
    # /cirkel shows her the circle's contact persons only: names and roles, no members'
    # list, no buttons (it used to refuse her; issue 17 gives each role its own screen).
    [reply] = await world.say(fatima, "/cirkel")
    assert reply["text"] == "Zandweerd\nContactpersonen in de kring:\n• Henk — voorzitter"
    assert world.emulator.buttons(reply) == []
    [overview] = await world.say(henk, "/cirkel")
    assert "Gekoppelde professional: Fatima" in overview["text"]
    # a member link is not a professional link
    [reply] = await world.say(world.person("Jan"), f"/start p_{circle.join_code}")
    assert reply["text"].startswith("Deze link ken ik niet.")


async def test_migration_to_supergroup_keeps_the_circle(world):
    henk, riet = world.person("Henk"), world.person("Riet")
    chat_id = await world.group_with_bot("Zandweerd", henk, [riet])
    code = world.join_link_code(chat_id)
    await world.join(henk, code)
    await world.join(riet, code)
    before = await _circle_of(world, chat_id)
    new = await world.emulator.migrate_group(chat_id)
    # Updates are handled in order: once this one is answered, the migration was seen.
    await world.say(henk, "/help", chat_id=new.id)
    after = await world.store.circle_by_chat(new.id)
    assert after is not None and after.id == before.id
    assert await world.store.circle_by_chat(chat_id) is None
    assert set(await _roles(world, after.id)) == {"Henk", "Riet"}
    # Posting follows: a new member is welcomed in the supergroup.
    jan = world.person("Jan")
    await world.handled(await world.emulator.user_joins_group(new.id, jan.id))
    assert world.texts(new.id)[-1].startswith("Welkom, Jan! Leuk dat je er bent.")


async def test_bot_removed_pauses_the_circle_and_re_adding_restores_it(world):
    henk, riet = world.person("Henk"), world.person("Riet")
    chat_id = await world.group_with_bot("Zandweerd", henk, [riet])
    code = world.join_link_code(chat_id)
    await world.join(henk, code)
    await world.join(riet, code)
    await world.handled(await world.emulator.remove_bot_from_group(chat_id, riet.id))
    circle = await _circle_of(world, chat_id)
    assert not circle.active
    assert world.texts(henk.id)[-1].startswith("De bot is uit de groep van Zandweerd gehaald.")
    assert not world.texts(riet.id)[-1].startswith("De bot is uit de groep")
    [overview] = await world.say(henk, "/cirkel")
    assert "⏸ Staat stil: de bot zit niet in de groep." in overview["text"]
    [refusal] = await world.say(world.person("Jan"), f"/start {code}")
    assert refusal["text"].startswith("Deze kring staat op dit moment stil.")
    await world.handled(await world.emulator.add_bot_to_group(chat_id, henk.id))
    circle = await _circle_of(world, chat_id)
    assert circle.active
    assert world.texts(chat_id)[-1].startswith("Hallo weer! Ik ben terug")
    assert world.texts(henk.id)[-1].startswith("Goed nieuws: de bot is terug")
    assert set(await _roles(world, circle.id)) == {"Henk", "Riet"}


async def test_blocked_member_is_shown_to_the_voorzitter_and_unmarked_on_return(world):
    henk, riet = world.person("Henk"), world.person("Riet")
    chat_id = await world.group_with_bot("Zandweerd", henk, [riet])
    code = world.join_link_code(chat_id)
    await world.join(henk, code)
    await world.join(riet, code)
    await world.handled(await world.emulator.block_bot(riet.id))
    [overview] = await world.say(henk, "/cirkel")
    assert "• Riet — lid (⚠️ de bot kan diegene niet bereiken)" in overview["text"]
    await world.say(riet, "/start")
    [overview] = await world.say(henk, "/cirkel")
    assert "• Riet — lid\n" in overview["text"] + "\n"


async def test_leaving_the_group_keeps_the_membership(world):
    henk, riet = world.person("Henk"), world.person("Riet")
    chat_id = await world.group_with_bot("Zandweerd", henk, [riet])
    await world.join(riet, world.join_link_code(chat_id))
    await world.handled(await world.emulator.user_leaves_group(chat_id, riet.id))
    circle = await _circle_of(world, chat_id)
    member = await world.store.member_of(circle.id, riet.id)
    assert member is not None and member.consented and not member.in_group


async def test_someone_without_a_smartphone_is_added_and_marked(world):
    henk, sandra = world.person("Henk"), world.person("Sandra")
    chat_id = await world.group_with_bot("Zandweerd", henk, [sandra])
    code = world.join_link_code(chat_id)
    await world.join(henk, code)
    await world.join(sandra, code)
    await world.say(henk, "/cirkel")
    await world.tap(henk, "Iemand zonder smartphone toevoegen")
    await world.say(henk, "Mevrouw de Vries")
    [retry] = await world.say(henk, "bel me")
    assert retry["text"].startswith("Dat lijkt geen telefoonnummer.")
    await world.say(henk, "0570-123456")
    await world.tap(henk, "Sandra")
    assert world.texts(henk.id)[-1] == (
        "Mevrouw de Vries staat nu in Zandweerd, met 📵 (geen smartphone). Contactbuur: Sandra."
    )
    circle = await _circle_of(world, chat_id)
    members = {m.display_name: m for m in await world.store.members(circle.id)}
    vries = members["Mevrouw de Vries"]
    assert vries.no_phone and vries.phone == "0570123456"
    assert vries.contact_member_id == members["Sandra"].id
    [overview] = await world.say(sandra, "/cirkel")
    assert "• Mevrouw de Vries — lid (📵 geen smartphone)" in overview["text"]
    # The phone list (for the voorzitter) has her number.
    await world.say(henk, "/cirkel")
    [document] = await world.tap(henk, "Telefoonlijst om te printen")
    assert document["caption"] == "De telefoonlijst van Zandweerd: open hem en print hem."
    data, _path = world.emulator.files[document["document"]["file_id"]]
    page = data.decode()
    assert "Mevrouw de Vries" in page and "0570123456" in page
    assert "Sandra" not in page  # she did not share her number


async def test_wizard_survives_a_restart_and_old_buttons_are_refused(world):
    henk = world.person("Henk")
    chat_id = await world.group_with_bot("Zandweerd", henk)
    await world.say(henk, f"/start {world.join_link_code(chat_id)}")
    await world.say(henk, "Henk van Dam")
    language_question = world.emulator.bot_messages(henk.id)[-1]
    # The bot restarts here: the draft is in the database.
    await world.restart()
    await world.press(henk, language_question, "ob:language:nl")
    # An old button from the first step no longer acts.
    first = world.emulator.bot_messages(henk.id)[0]
    await world.press(henk, first, "ob:name:first", forge=True)
    assert world.last_alert() == "Deze knop werkt niet meer."
    await world.tap(henk, "✅ Ja, ik doe mee")
    await world.tap(henk, "Ja, dat mag")
    await world.say(henk, "Liever niet")
    await world.tap(henk, "Overslaan")
    await world.tap(henk, "Overslaan")
    circle = await _circle_of(world, chat_id)
    assert (await world.store.member_of(circle.id, henk.id)).display_name == "Henk van Dam"


async def test_onboarding_back_and_stop(world):
    henk = world.person("Henk")
    chat_id = await world.group_with_bot("Zandweerd", henk)
    await world.say(henk, f"/start {world.join_link_code(chat_id)}")
    await world.tap(henk, "Henk")
    await world.tap(henk, "« Terug")
    assert world.texts(henk.id)[-1].startswith("Leuk dat je meedoet met Zandweerd!")
    await world.tap(henk, "✖ Stoppen")
    assert world.texts(henk.id)[-1].startswith("Geen probleem. Er is niets bewaard.")
    assert await world.store.draft(henk.id) is None
    [reply] = await world.say(henk, "hallo?")
    assert reply["text"].startswith("Dat begreep ik niet helemaal.")


async def test_wegwijzer_kept_by_the_voorzitter(world):
    henk, riet = world.person("Henk"), world.person("Riet")
    chat_id = await world.group_with_bot("Zandweerd", henk, [riet])
    code = world.join_link_code(chat_id)
    await world.join(henk, code)
    await world.join(riet, code)
    [empty] = await world.say(riet, "🧭 Wegwijzer")
    assert "Hier staat nog niets." in empty["text"] and "Bij nood: bel 112." in empty["text"]
    assert world.emulator.buttons(empty) == []
    await world.say(henk, "/wegwijzer")
    await world.tap(henk, "➕ Regel toevoegen")
    await world.say(henk, "Wijkteam: 0570 123 456 <werkdagen>")
    [listing] = await world.say(riet, "/wegwijzer")
    assert "• Wijkteam: 0570 123 456 <werkdagen>" in listing["text"]
    circle = await _circle_of(world, chat_id)
    [(entry_id, _text)] = await world.store.signposts(circle.id)
    await world.press(riet, listing, f"ww:rm:{circle.id}:{entry_id}", forge=True)
    assert world.last_alert() == "Dit kan (nu) niet voor jou."
    assert len(await world.store.signposts(circle.id)) == 1


async def test_group_start_by_a_non_admin_and_by_an_admin(world):
    henk, riet = world.person("Henk"), world.person("Riet")
    group = world.emulator.add_group("Nieuwe groep", [henk.id, riet.id], admins=[henk.id])
    world.emulator.chats[group.id].bot_status = "member"  # added without us noticing
    [reply] = await world.say(riet, "/start", chat_id=group.id)
    assert reply["text"].startswith("Alleen een beheerder van deze groep")
    assert await world.store.circle_by_chat(group.id) is None
    [welcome] = await world.say(henk, "/start", chat_id=group.id)
    assert welcome["text"].startswith("Hallo allemaal!")
    circle = await _circle_of(world, group.id)
    assert (await _roles(world, circle.id)) == {"Henk": "voorzitter"}
    [again] = await world.say(riet, "/start@OmkijkOefenBot", chat_id=group.id)
    assert again["text"].startswith("Deze groep is al een kring: Nieuwe groep.")


async def test_an_anonymous_admin_sending_start_in_a_group_is_answered_kindly(world):
    """Found by the fuzz test: /start in a group with no sender (an anonymous admin
    posts as the group) crashed the handler. Nobody can be made voorzitter then."""
    henk = world.person("Henk")
    group = world.emulator.add_group("Zandweerd", [henk.id], admins=[henk.id])
    group.bot_status = "member"
    chat = {"id": group.id, "type": "group", "title": "Zandweerd"}
    update = {
        "update_id": 777_000,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": chat,
            "sender_chat": chat,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    await world.runtime.inbox.accept([update])
    await world.handled(update)
    assert world.texts(group.id)[-1].startswith("Alleen een beheerder van deze groep")
    assert await world.store.circle_by_chat(group.id) is None
    assert (await world.store.inbox_counts()).get("failed", 0) == 0


async def _open_link(world, person, code):
    """Open an invite link and get as far as the consent question."""
    await world.say(person, f"/start {code}")
    await world.tap(person, person.first_name)
    await world.tap(person, "Nederlands")


async def _finish_onboarding(world, person):
    """The rest of the questions; what the bot said last."""
    await world.tap(person, "✅ Ja, ik doe mee")
    await world.tap(person, "Ja, dat mag")
    await world.say(person, "Liever niet")
    if world.texts(person.id)[-1].startswith("Waar heb je plezier in?"):
        await world.say(person, "wandelen")
    if world.texts(person.id)[-1].startswith("Wat zou je"):
        await world.tap(person, "Overslaan")
    return world.texts(person.id)[-1]


async def test_an_invite_is_checked_again_when_the_wizard_finishes(world):
    """Withdrawn while someone was still answering, or taken by someone else first: the
    link joins nobody, and the person hears why (issue: invites, hardened)."""
    henk, riet, jan = world.person("Henk"), world.person("Riet"), world.person("Jan")
    chat_id = await world.group_with_bot("Zandweerd", henk)
    await world.join(henk, world.join_link_code(chat_id))
    circle = await _circle_of(world, chat_id)
    [invite] = await world.say(henk, "/uitnodigen")
    code = invite["text"].split("?start=")[1]
    await _open_link(world, riet, code)
    await world.tap(henk, "Deze link intrekken")
    assert (await _finish_onboarding(world, riet)).startswith("Deze uitnodiging is ingetrokken.")
    assert await world.store.member_of(circle.id, riet.id) is None
    # Two people with one link: the first to finish joins, the other hears it was used.
    [invite] = await world.say(henk, "/uitnodigen")
    code = invite["text"].split("?start=")[1]
    await _open_link(world, riet, code)
    await _open_link(world, jan, code)
    assert (await _finish_onboarding(world, jan)).startswith("Welkom in Zandweerd, Jan!")
    assert (await _finish_onboarding(world, riet)).startswith("Deze uitnodiging is al gebruikt.")
    assert await world.store.member_of(circle.id, riet.id) is None
    assert (await world.store.member_of(circle.id, jan.id)).consented
    # Expired while the wizard stood open overnight for a week.
    [invite] = await world.say(henk, "/uitnodigen")
    code = invite["text"].split("?start=")[1]
    await _open_link(world, riet, code)
    world.clock.advance(days=8)
    assert (await _finish_onboarding(world, riet)).startswith("Deze uitnodiging is verlopen.")
    assert await world.store.member_of(circle.id, riet.id) is None


# -- the group's link: renewed, and only for who is in the group ---------------------------

UNKNOWN_LINK = "Deze link ken ik niet."
ASKED_THE_CHAIR = "Je zit niet in de Telegram-groep van Zandweerd."


async def _remove(world, chair, member):
    await world.say(chair, "/cirkel")
    await world.tap(chair, "Rollen aanpassen")
    screen = world.emulator.bot_messages(chair.id)[-1]
    await world.press(chair, screen, f"cm:m:{member.id}")
    await world.tap(chair, "Uit de kring halen")
    await world.tap(chair, "Ja, uit de kring halen")


async def test_a_removed_member_cannot_walk_back_in_with_the_old_group_link(world):
    henk, riet, jan, kees = (world.person(n) for n in ("Henk", "Riet", "Jan", "Kees"))
    chat_id = await world.group_with_bot("Zandweerd", henk, [riet, jan, kees])
    old = world.join_link_code(chat_id)
    for person in (henk, riet, jan):
        await world.join(person, old)
    circle = await _circle_of(world, chat_id)
    # Kees opens the link and is half-way when Henk removes Jan.
    await world.say(kees, f"/start {old}")
    await world.tap(kees, "Kees")
    await _remove(world, henk, await world.store.member_of(circle.id, jan.id))
    assert await world.store.member_of(circle.id, jan.id) is None
    # The group gets the new link; the old one is unknown now.
    assert world.texts(chat_id)[-1] == (
        "Er is een nieuwe link om mee te doen met Zandweerd. De oude link werkt niet meer."
    )
    new = world.join_link_code(chat_id)
    assert new != old and new == "c_" + (await _circle_of(world, chat_id)).join_code
    [reply] = await world.say(jan, f"/start {old}")
    assert reply["text"].startswith(UNKNOWN_LINK)
    assert await world.store.member_of(circle.id, jan.id) is None
    # Kees's wizard, opened with the old link, joins nobody when it finishes.
    await world.tap(kees, "Nederlands")
    await world.tap(kees, "✅ Ja, ik doe mee")
    await world.tap(kees, "Ja, dat mag")
    await world.say(kees, "Liever niet")
    await world.tap(kees, "Overslaan")
    await world.tap(kees, "Overslaan")
    assert await world.store.member_of(circle.id, kees.id) is None
    assert world.texts(kees.id)[-1].startswith(UNKNOWN_LINK)
    # With the new link, Kees (in the group) joins; Jan, taken out of the Telegram group
    # too, has to ask the voorzitter.
    await world.join(kees, new)
    assert (await world.store.member_of(circle.id, kees.id)).consented
    world.emulator.chats[chat_id].members.discard(jan.id)
    [reply] = await world.say(jan, f"/start {new}")
    assert reply["text"].startswith(ASKED_THE_CHAIR)
    assert await world.store.member_of(circle.id, jan.id) is None


async def test_someone_not_in_the_group_is_let_in_only_by_the_voorzitter(world):
    henk, riet = world.person("Henk"), world.person("Riet")
    chat_id = await world.circle("Zandweerd", henk, [riet])
    circle = await _circle_of(world, chat_id)
    code = world.join_link_code(chat_id)
    onbekende, bram = world.person("Onbekende"), world.person("Bram")  # not in the group
    [reply] = await world.say(onbekende, f"/start {code}")
    assert reply["text"] == (
        "Je zit niet in de Telegram-groep van Zandweerd. Daarom heb ik de voorzitter gevraagd "
        "of je mee mag doen. Je hoort het van mij."
    )
    assert await world.store.member_of(circle.id, onbekende.id) is None
    question = world.emulator.bot_messages(henk.id)[-1]
    assert question["text"] == (
        "Onbekende wil meedoen met Zandweerd via de link van de groep, maar zit niet in de "
        "Telegram-groep. Ken je Onbekende? Mag Onbekende meedoen?"
    )
    # Asking again does not ask Henk again; a member who is not voorzitter cannot answer.
    asked = len(world.emulator.bot_messages(henk.id))
    await world.say(onbekende, f"/start {code}")
    assert len(world.emulator.bot_messages(henk.id)) == asked
    yes = world.emulator.buttons(question)[0]["callback_data"]
    await world.say(riet, "/help")
    await world.press(riet, world.emulator.bot_messages(riet.id)[-1], yes, forge=True)
    assert world.last_alert() == "Deze knop werkt niet meer."
    # Henk lets Onbekende in: a link of their own, with which they join.
    await world.tap(henk, "✅ Ja, laat toe")
    let_in = world.emulator.bot_messages(onbekende.id)[-1]
    assert (
        let_in["text"] == "De voorzitter van Zandweerd laat je toe. Tik op de knop om mee te doen."
    )
    own = world.emulator.buttons(let_in)[0]["url"].split("?start=")[1]
    assert own != code
    await world.join(onbekende, own)
    assert (await world.store.member_of(circle.id, onbekende.id)).consented
    # Pressed again, the answer does not count twice.
    await world.press(henk, question, yes, forge=True)
    assert world.last_alert() == "Deze knop werkt niet meer."
    # Bram is not let in.
    await world.say(bram, f"/start {code}")
    await world.tap(henk, "Nee, liever niet")
    assert world.texts(bram.id)[-1].startswith(
        "De voorzitter van Zandweerd heeft je niet toegelaten."
    )
    assert await world.store.member_of(circle.id, bram.id) is None


async def test_the_voorzitter_renews_the_group_link(world):
    henk, riet, jan = world.person("Henk"), world.person("Riet"), world.person("Jan")
    chat_id = await world.circle("Zandweerd", henk, [riet])
    old = world.join_link_code(chat_id)
    await world.say(riet, "/cirkel")
    assert "🔄 Nieuwe link voor de groep" not in [
        b["text"] for b in world.emulator.buttons(world.emulator.bot_messages(riet.id)[-1])
    ]
    await world.say(henk, "/cirkel")
    await world.tap(henk, "🔄 Nieuwe link voor de groep")
    # Henk's screen says so, and the group has the new button.
    assert world.texts(henk.id)[-1].startswith("Er is een nieuwe link om mee te doen")
    assert world.texts(chat_id)[-1].startswith("Er is een nieuwe link om mee te doen")
    new = world.join_link_code(chat_id)
    assert new != old
    world.emulator.chats[chat_id].members.add(jan.id)  # Jan joins the Telegram group
    [reply] = await world.say(jan, f"/start {old}")
    assert reply["text"].startswith(UNKNOWN_LINK)
    await world.join(jan, new)
    circle = await _circle_of(world, chat_id)
    assert (await world.store.member_of(circle.id, jan.id)).consented


async def test_a_professionals_link_works_once_and_not_after_it_is_withdrawn(world):
    henk, riet = world.person("Henk"), world.person("Riet")
    chat_id = await world.circle("Zandweerd", henk, [riet])
    circle = await _circle_of(world, chat_id)

    async def open_pro_link(person, code):
        await world.say(person, f"/start {code}")
        await world.tap(person, person.first_name)
        await world.tap(person, "Nederlands")

    # It reaches the wrong person, who opens it; Henk withdraws it; finishing links nobody.
    mallory = world.person("Mallory")
    await world.say(henk, "/cirkel")
    [link] = await world.tap(henk, "Een professional koppelen")
    code = link["text"].split("?start=")[1]
    await open_pro_link(mallory, code)
    await world.tap(henk, "Deze link intrekken")
    await world.tap(mallory, "✅ Ja, koppel mij")
    assert world.texts(mallory.id)[-1].startswith("Deze uitnodiging is ingetrokken.")
    assert await world.store.member_of(circle.id, mallory.id) is None
    # Two open the "works once" link before either finishes: one is linked.
    fatima, bram = world.person("Fatima"), world.person("Bram")
    await world.say(henk, "/cirkel")
    [link] = await world.tap(henk, "Een professional koppelen")
    code = link["text"].split("?start=")[1]
    for person in (fatima, bram):
        await open_pro_link(person, code)
    for person in (fatima, bram):
        await world.tap(person, "✅ Ja, koppel mij")
    roles = [m.role for m in await world.store.members(circle.id)]
    assert roles.count(Role.PROFESSIONAL) == 1
    assert world.texts(bram.id)[-1].startswith("Deze uitnodiging is al gebruikt.")
