"""Badges: soulbound achievements (ERC-5192, custom error on every transfer/approval), capped
collectibles with ERC-2981 royalties, VIP sales in native token or ERC-20, per-token stats with
ERC-4906 updates, levels, and the on-chain base64 JSON + SVG tokenURI."""

from __future__ import annotations

import base64
import json
import subprocess

import boa
import pytest
from eth_abi import encode as abi_encode
from hypothesis import given, settings, strategies as st

import protocol as P
from conftest import CONTRACTS, HERE, REPO, deployer, measure

FIRST_WIN, WINS_100, HOT_STREAK, LEGENDARY = 1, 2, 3, 4
WIN_420, WIN_69, CHAMPION, FOUNDER = 16, 17, 18, 19
VIP_DIAMOND, VIP_GOLD = 32, 33
SOULBOUND = [FIRST_WIN, WINS_100, HOT_STREAK, LEGENDARY]
COLLECTIBLES = [WIN_420, WIN_69, FOUNDER]
CAPS = {WIN_420: 420, WIN_69: 6_969, FOUNDER: 1_000, VIP_DIAMOND: 1_000, VIP_GOLD: 10_000}
ROYALTY_BPS = {WIN_420: 500, WIN_69: 500, CHAMPION: 1000, FOUNDER: 500, VIP_DIAMOND: 1000, VIP_GOLD: 500}
SOULBOUND_SELECTOR = P.keccak256(b"Soulbound(uint256)")[:4]
NATIVE = "0x" + "00" * 20


def tid(cls: int, serial: int) -> int:
    return cls << 128 | serial


def soulbound_error(token_id: int) -> bytes:
    return SOULBOUND_SELECTOR + token_id.to_bytes(32, "big")


def expect_soulbound(fn, token_id):
    with pytest.raises(boa.BoaError) as failure:
        fn()
    assert failure.value.stack_trace.last_frame.vm_error.args[0] == soulbound_error(token_id)


def events(contract, name):
    return [e for e in contract.get_logs() if type(e).__name__ == name]


@pytest.fixture(scope="module")
def badges_deployer():
    return deployer("Badges")


@pytest.fixture
def owner(accounts):
    return accounts[0]


@pytest.fixture
def minter(accounts):
    return accounts[1]


@pytest.fixture
def treasury(accounts):
    return accounts[8]


@pytest.fixture
def badges(badges_deployer, owner, minter, treasury):
    b = badges_deployer.deploy(treasury, sender=owner)
    b.set_minter(minter, True, sender=owner)
    return b


@pytest.fixture(scope="module")
def minted_slot():
    layout = json.loads(subprocess.run([str(REPO / ".venv/bin/vyper"), "-f", "layout", "--evm-version", "cancun",
                                        str(CONTRACTS / "Badges.vy")], check=True, capture_output=True, text=True).stdout)
    return layout["storage_layout"]["minted"]["slot"]


def set_minted(badges, minted_slot, cls, value):
    """Fast-forward a class's mint counter (Vyper HashMap slot = keccak256(slot ‖ key))."""
    slot = int.from_bytes(P.keccak256(abi_encode(["uint256", "uint256"], [minted_slot, cls])), "big")
    boa.env.evm.set_storage(badges.address, slot, value)
    assert badges.minted(cls) == value


# ------------------------------------------------------------------------------------------
# deployment, interfaces
# ------------------------------------------------------------------------------------------


def test_deployment(badges, owner, minter, treasury):
    assert (badges.name(), badges.symbol(), badges.owner(), badges.treasury()) == ("SixNines Badges", "SIX9", owner, treasury)
    assert badges.is_minter(owner) and badges.is_minter(minter)
    assert badges.totalSupply() == 0
    assert badges.payee() == treasury  # an account without code is its own payee


def test_owner_sets_treasury(badges, owner, accounts):
    with boa.reverts("ownable: caller is not the owner"):
        badges.set_treasury(accounts[5], sender=accounts[5])
    badges.set_treasury(accounts[5], sender=owner)
    assert events(badges, "TreasurySet")[0].treasury == accounts[5]
    token = boa.load(str(HERE / "mocks" / "MockERC20.vy"))
    badges.set_treasury(token.address, sender=owner)  # a contract without successor(): its own payee
    assert badges.payee() == token.address
    badges.set_treasury(accounts[5], sender=owner)
    assert badges.treasury() == accounts[5]
    assert badges.royaltyInfo(tid(FOUNDER, 1), 100) == (accounts[5], 5)


def test_rejects_zero_treasury(badges_deployer, badges, owner):
    with boa.reverts("badges: zero treasury"):
        badges_deployer.deploy(NATIVE)
    with boa.reverts("badges: zero treasury"):
        badges.set_treasury(NATIVE, sender=owner)


@pytest.mark.parametrize("iface, expected", [("01ffc9a7", True), ("80ac58cd", True), ("5b5e139f", True), ("780e9d63", True),
                                             ("49064906", True), ("b45a3c0e", True), ("2a55205a", True),
                                             ("589c5ce2", False), ("ffffffff", False)])
def test_supports_interface(badges, iface, expected):
    assert badges.supportsInterface(bytes.fromhex(iface)) is expected


# ------------------------------------------------------------------------------------------
# soulbound achievements
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", SOULBOUND)
def test_soulbound_mint_is_locked_and_never_moves(badges, minter, accounts, cls):
    alice, bob = accounts[2], accounts[3]
    token_id = badges.mint(alice, cls, 0, sender=minter)
    assert token_id == tid(cls, 1)
    locked = events(badges, "Locked")
    assert [e.tokenId for e in locked] == [token_id]
    assert events(badges, "BadgeMinted")[0].badge_class == cls
    assert badges.locked(token_id)
    assert badges.ownerOf(token_id) == alice and badges.has_achievement(alice, cls)
    assert badges.royaltyInfo(token_id, 10**18)[1] == 0
    expect_soulbound(lambda: badges.transferFrom(alice, bob, token_id, sender=alice), token_id)
    expect_soulbound(lambda: badges.safeTransferFrom(alice, bob, token_id, sender=alice), token_id)
    expect_soulbound(lambda: badges.safeTransferFrom(alice, bob, token_id, b"hi", sender=alice), token_id)
    expect_soulbound(lambda: badges.approve(bob, token_id, sender=alice), token_id)
    badges.setApprovalForAll(bob, True, sender=alice)  # allowed, but gives no power over locked tokens
    expect_soulbound(lambda: badges.transferFrom(alice, bob, token_id, sender=bob), token_id)
    assert badges.ownerOf(token_id) == alice


def test_one_achievement_per_holder_and_class(badges, minter, accounts):
    badges.mint(accounts[2], FIRST_WIN, 0, sender=minter)
    with boa.reverts("badges: achievement already held"):
        badges.mint(accounts[2], FIRST_WIN, 0, sender=minter)
    assert badges.mint(accounts[3], FIRST_WIN, 0, sender=minter) == tid(FIRST_WIN, 2)
    assert badges.mint(accounts[2], WINS_100, 0, sender=minter) == tid(WINS_100, 1)
    assert badges.cap(FIRST_WIN) == 2**256 - 1


def test_gas_of_minting(badges, minter, accounts):
    measure("Badges.mint (soulbound achievement)", badges, "mint", accounts[2], FIRST_WIN, 0, sender=minter)
    measure("Badges.mint (capped collectible)", badges, "mint", accounts[2], WIN_420, 0, sender=minter)
    token_id = tid(WIN_420, 1)
    measure("Badges.update_stats", badges, "update_stats", token_id, 120, 200, 12, sender=minter)
    measure("Badges.transferFrom (collectible)", badges, "transferFrom", accounts[2], accounts[3], token_id, sender=accounts[2])
    measure("Badges.tokenURI (view, eth_call)", badges, "tokenURI", token_id)


# ------------------------------------------------------------------------------------------
# collectibles, caps, royalties
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", COLLECTIBLES)
def test_collectibles_trade_and_pay_royalties(badges, minter, treasury, accounts, cls):
    alice, bob, carol = accounts[2], accounts[3], accounts[4]
    token_id = badges.mint(alice, cls, 0, sender=minter)
    assert events(badges, "Locked") == []
    assert not badges.locked(token_id)
    badges.transferFrom(alice, bob, token_id, sender=alice)
    measure("Badges.approve", badges, "approve", carol, token_id, sender=bob)
    assert badges.getApproved(token_id) == carol
    measure("Badges.safeTransferFrom (EOA receiver)", badges, "safeTransferFrom", bob, carol, token_id, sender=carol)
    assert badges.ownerOf(token_id) == carol
    with boa.reverts("erc721: caller is not token owner or approved"):
        badges.transferFrom(carol, alice, token_id, sender=alice)
    with boa.reverts("erc721: approval to current owner"):
        badges.approve(carol, token_id, sender=carol)
    with boa.reverts("erc721: approve caller is not token owner or approved for all"):
        badges.approve(alice, token_id, sender=bob)
    assert badges.royaltyInfo(token_id, 10_000) == (treasury, ROYALTY_BPS[cls])
    assert badges.tokenOfOwnerByIndex(carol, 0) == token_id


@pytest.mark.parametrize("fn", ["approve", "transferFrom", "safeTransferFrom"])
def test_transfers_and_approvals_are_not_payable(badges, minter, accounts, fn):
    """Native value sent to approve/transferFrom/safeTransferFrom would be trapped: refused."""
    alice, bob = accounts[2], accounts[3]
    token_id = badges.mint(alice, FOUNDER, 0, sender=minter)
    boa.env.set_balance(alice, 10**18)
    args = (bob, token_id) if fn == "approve" else (alice, bob, token_id)
    with boa.reverts():
        getattr(badges, fn)(*args, sender=alice, value=1)
    assert boa.env.get_balance(badges.address) == 0 and badges.ownerOf(token_id) == alice
    abi = {f["name"]: f for f in json.loads((REPO / "ABI" / "Badges.json").read_text())["abi"] if f.get("type") == "function"}
    assert abi[fn]["stateMutability"] == "nonpayable"
    getattr(badges, fn)(*args, sender=alice)  # without value it still works


@pytest.mark.parametrize("cls", [WIN_420, WIN_69, FOUNDER])
def test_supply_caps_are_hard(badges, minter, minted_slot, accounts, cls):
    assert badges.cap(cls) == CAPS[cls]
    set_minted(badges, minted_slot, cls, CAPS[cls] - 1)
    assert badges.mint(accounts[2], cls, 0, sender=minter) == tid(cls, CAPS[cls])
    with boa.reverts("badges: supply cap reached"):
        badges.mint(accounts[3], cls, 0, sender=minter)
    assert badges.minted(cls) == CAPS[cls]


def test_the_420_cap_by_minting_every_token(badges, minter, accounts):
    for i in range(420):
        badges.mint(accounts[2 + i % 5], WIN_420, 0, sender=minter)
    with boa.reverts("badges: supply cap reached"):
        badges.mint(accounts[2], WIN_420, 0, sender=minter)
    assert badges.totalSupply() == 420


def test_one_champion_per_season(badges, minter, treasury, accounts):
    token_id = badges.mint(accounts[2], CHAMPION, 7, sender=minter)
    assert token_id == tid(CHAMPION, 7)
    with boa.reverts("badges: season already has a champion"):
        badges.mint(accounts[3], CHAMPION, 7, sender=minter)
    with boa.reverts("badges: season required"):
        badges.mint(accounts[3], CHAMPION, 0, sender=minter)
    assert badges.mint(accounts[3], CHAMPION, 8, sender=minter) == tid(CHAMPION, 8)
    assert badges.royaltyInfo(token_id, 12_345) == (treasury, 1_234)
    assert badges.minted(CHAMPION) == 2


def test_mint_rules(badges, minter, accounts):
    with boa.reverts("badges: caller is not a minter"):
        badges.mint(accounts[2], FIRST_WIN, 0, sender=accounts[2])
    for cls in (VIP_DIAMOND, VIP_GOLD, 99):
        with boa.reverts("badges: not mintable"):
            badges.mint(accounts[2], cls, 0, sender=minter)
    with boa.reverts("badges: season only for champions"):
        badges.mint(accounts[2], FOUNDER, 3, sender=minter)
    with boa.reverts("erc721: mint to the zero address"):
        badges.mint(NATIVE, FOUNDER, 0, sender=minter)


@pytest.mark.parametrize("cls", [0, 5, 15, 20, 31, 34, 2**128, 2**256 - 1])
def test_unknown_classes_are_not_mintable(badges, minter, accounts, cls):
    """An unknown class fails as unknown, not as a class whose supply is used up."""
    with boa.reverts("badges: not mintable"):
        badges.mint(accounts[2], cls, 0, sender=minter)
    with boa.reverts("badges: not mintable"):
        badges.mint(accounts[2], cls, 1, sender=minter)
    assert badges.totalSupply() == 0


def test_minter_role_is_managed_by_the_owner(badges, owner, minter, accounts):
    with boa.reverts("ownable: caller is not the owner"):
        badges.set_minter(accounts[2], True, sender=minter)
    badges.set_minter(minter, False, sender=owner)
    with boa.reverts("badges: caller is not a minter"):
        badges.mint(accounts[2], FIRST_WIN, 0, sender=minter)


# ------------------------------------------------------------------------------------------
# VIP passes
# ------------------------------------------------------------------------------------------


@pytest.fixture
def token():
    return boa.load(str(HERE / "mocks" / "MockERC20.vy"))


def test_vip_prices_are_owner_only(badges, owner, accounts):
    with boa.reverts("ownable: caller is not the owner"):
        badges.set_vip_price(VIP_DIAMOND, NATIVE, 10**18, sender=accounts[2])
    with boa.reverts("badges: not a VIP pass"):
        badges.set_vip_price(FOUNDER, NATIVE, 10**18, sender=owner)
    measure("Badges.set_vip_price", badges, "set_vip_price", VIP_DIAMOND, NATIVE, 10**18, sender=owner)
    ev = events(badges, "VipPriceSet")[0]
    assert (ev.badge_class, ev.payment_token, ev.price) == (VIP_DIAMOND, NATIVE, 10**18)


def test_buy_vip_with_native_token(badges, owner, treasury, accounts):
    buyer = accounts[2]
    boa.env.set_balance(buyer, 10 * 10**18)
    badges.set_vip_price(VIP_DIAMOND, NATIVE, 10**18, sender=owner)
    before = boa.env.get_balance(treasury)
    with boa.reverts("badges: wrong payment"):
        badges.buy_vip(VIP_DIAMOND, NATIVE, sender=buyer, value=10**18 - 1)
    with boa.reverts("badges: not for sale in this token"):
        badges.buy_vip(VIP_GOLD, NATIVE, sender=buyer, value=10**18)
    with boa.reverts("badges: not a VIP pass"):
        badges.buy_vip(FOUNDER, NATIVE, sender=buyer, value=10**18)
    token_id = measure("Badges.buy_vip (native)", badges, "buy_vip", VIP_DIAMOND, NATIVE, sender=buyer, value=10**18)
    assert token_id == tid(VIP_DIAMOND, 1)
    assert badges.ownerOf(token_id) == buyer and not badges.locked(token_id)
    assert boa.env.get_balance(treasury) == before + 10**18
    assert badges.royaltyInfo(token_id, 1000)[1] == 100


def test_buy_vip_with_erc20(badges, owner, treasury, token, accounts):
    buyer = accounts[2]
    boa.env.set_balance(buyer, 10)
    token.mint(buyer, 1_000 * 10**6)
    badges.set_vip_price(VIP_GOLD, token.address, 250 * 10**6, sender=owner)
    with boa.reverts("badges: wrong payment"):
        badges.buy_vip(VIP_GOLD, token.address, sender=buyer, value=1)
    token_id = measure("Badges.buy_vip (ERC-20)", badges, "buy_vip", VIP_GOLD, token.address, sender=buyer)
    ev = events(badges, "VipPurchased")[0]
    assert (ev.buyer, ev.token_id, ev.payment_token, ev.price) == (buyer, token_id, token.address, 250 * 10**6)
    assert token.balanceOf(treasury) == 250 * 10**6 and token.balanceOf(buyer) == 750 * 10**6
    assert badges.royaltyInfo(token_id, 1000)[1] == 50
    token.set_fail(True)
    with boa.reverts("badges: payment failed"):
        badges.buy_vip(VIP_GOLD, token.address, sender=buyer)
    badges.set_vip_price(VIP_GOLD, accounts[7], 1, sender=owner)
    with boa.reverts("badges: token is not a contract"):
        badges.buy_vip(VIP_GOLD, accounts[7], sender=buyer)


def test_vip_diamond_cap(badges, owner, minted_slot, accounts):
    badges.set_vip_price(VIP_DIAMOND, NATIVE, 1, sender=owner)
    set_minted(badges, minted_slot, VIP_DIAMOND, 999)
    boa.env.set_balance(accounts[2], 10)
    assert badges.buy_vip(VIP_DIAMOND, NATIVE, sender=accounts[2], value=1) == tid(VIP_DIAMOND, 1000)
    with boa.reverts("badges: supply cap reached"):
        badges.buy_vip(VIP_DIAMOND, NATIVE, sender=accounts[2], value=1)


# ------------------------------------------------------------------------------------------
# stats, levels, metadata
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("wins, level", [(0, "bronze"), (99, "bronze"), (100, "silver"), (499, "silver"), (500, "gold"),
                                         (999, "gold"), (1000, "diamond"), (2**32 - 1, "diamond")])
def test_levels_follow_wins(badges, wins, level):
    assert badges.level_of(wins) == level


def test_update_stats(badges, minter, accounts):
    token_id = badges.mint(accounts[2], LEGENDARY, 0, sender=minter)
    with boa.reverts("badges: caller is not a minter"):
        badges.update_stats(token_id, 1, 2, 1, sender=accounts[2])
    with boa.reverts("badges: more wins than predictions"):
        badges.update_stats(token_id, 3, 2, 1, sender=minter)
    with boa.reverts("badges: streak longer than wins"):
        badges.update_stats(token_id, 2, 2, 3, sender=minter)
    with boa.reverts("erc721: invalid token ID"):
        badges.update_stats(tid(LEGENDARY, 9), 1, 1, 1, sender=minter)
    badges.update_stats(token_id, 1_234, 2_000, 17, sender=minter)
    assert [e[1] for e in events(badges, "MetadataUpdate")] == [token_id]  # (address, _tokenId)
    ev = events(badges, "StatsUpdated")[0]
    assert (ev.wins, ev.predictions, ev.best_streak) == (1_234, 2_000, 17)
    assert badges.stats(token_id) == (1_234, 2_000, 17)


def decode_uri(uri: str) -> tuple[dict, str]:
    prefix = "data:application/json;base64,"
    assert uri.startswith(prefix)
    meta = json.loads(base64.b64decode(uri[len(prefix):], validate=True))
    img_prefix = "data:image/svg+xml;base64,"
    assert meta["image"].startswith(img_prefix)
    return meta, base64.b64decode(meta["image"][len(img_prefix):], validate=True).decode()


def test_token_uri_is_on_chain_json_with_svg(badges, minter, accounts):
    token_id = badges.mint(accounts[2], CHAMPION, 3, sender=minter)
    badges.update_stats(token_id, 120, 200, 12, sender=minter)
    meta, svg = decode_uri(badges.tokenURI(token_id))
    assert meta["name"] == "Season Champion #3"
    assert meta["description"] == "SixNines badge"
    attrs = {a["trait_type"]: a["value"] for a in meta["attributes"]}
    assert attrs == {"Class": "Season Champion", "Level": "silver", "Wins": 120, "Predictions": 200, "Best streak": 12,
                     "Win rate": 60, "Soulbound": "no"}
    assert svg.startswith("<svg xmlns='http://www.w3.org/2000/svg'") and svg.endswith("</svg>")
    for text in (">Season Champion<", ">silver<", ">120 wins<", ">60% win rate<"):
        assert text in svg
    with boa.reverts("erc721: invalid token ID"):
        badges.tokenURI(tid(CHAMPION, 4))


NAMES = {FIRST_WIN: "First Win", WINS_100: "100 Wins", HOT_STREAK: "Hot Streak", LEGENDARY: "Legendary",
         WIN_420: "$420.69 Win", WIN_69: "$69.69 Win", CHAMPION: "Season Champion", FOUNDER: "Founder",
         VIP_DIAMOND: "VIP Diamond", VIP_GOLD: "VIP Gold"}


def test_token_uri_names_every_class(badges, owner, minter, accounts):
    boa.env.set_balance(accounts[2], 10)
    ids = {}
    for cls in NAMES:
        if cls in (VIP_DIAMOND, VIP_GOLD):
            badges.set_vip_price(cls, NATIVE, 1, sender=owner)
            ids[cls] = badges.buy_vip(cls, NATIVE, sender=accounts[2], value=1)
        else:
            ids[cls] = badges.mint(accounts[2], cls, 5 if cls == CHAMPION else 0, sender=minter)
    for cls, token_id in ids.items():
        meta, svg = decode_uri(badges.tokenURI(token_id))
        assert meta["name"] == f"{NAMES[cls]} #{5 if cls == CHAMPION else 1}"
        assert f">{NAMES[cls]}<" in svg and ">bronze<" in svg and ">0% win rate<" in svg


LEVELS = [(1000, "diamond", "#1b9aaa"), (500, "gold", "#c9a227"), (100, "silver", "#8a8d91"), (0, "bronze", "#a0522d")]


def expected_uri(cls: int, serial: int, wins: int, predictions: int, streak: int) -> str:
    """The exact tokenURI of PROTOCOL §8, built independently of the contract (Python's base64)."""
    rate = wins * 100 // predictions if predictions else 0
    level, colour = next((name, c) for floor, name, c in LEVELS if wins >= floor)
    name = NAMES[cls]
    svg = ("<svg xmlns='http://www.w3.org/2000/svg' width='320' height='320' viewBox='0 0 320 320'>"
           "<style>text{font-family:monospace;fill:#fff;text-anchor:middle}</style>"
           f"<rect width='320' height='320' rx='24' fill='{colour}'/>"
           f"<text x='160' y='80' font-size='22'>{name}</text><text x='160' y='150' font-size='40'>{level}</text>"
           f"<text x='160' y='215' font-size='20'>{wins} wins</text><text x='160' y='255' font-size='20'>{rate}% win rate</text></svg>")
    head = (f'{{"name":"{name} #{serial}","description":"SixNines badge","attributes":['
            f'{{"trait_type":"Class","value":"{name}"}},{{"trait_type":"Level","value":"{level}"}},'
            f'{{"trait_type":"Wins","value":{wins}}},{{"trait_type":"Predictions","value":{predictions}}},'
            f'{{"trait_type":"Best streak","value":{streak}}},{{"trait_type":"Win rate","value":{rate}}},'
            f'{{"trait_type":"Soulbound","value":"{"yes" if cls in SOULBOUND else "no"}"}}],')
    head += " " * ((3 - len(head) % 3) % 3)
    body = head + '"image":"data:image/svg+xml;base64,' + base64.b64encode(svg.encode()).decode() + '"}'
    return "data:application/json;base64," + base64.b64encode(body.encode()).decode()


@settings(max_examples=40)
@given(cls=st.sampled_from(SOULBOUND + COLLECTIBLES), predictions=st.integers(0, 2**32 - 1), data=st.data())
def test_token_uri_always_decodes(badges, owner, accounts, cls, predictions, data):
    wins = data.draw(st.integers(0, predictions))
    streak = data.draw(st.integers(0, wins))
    with boa.env.anchor():
        token_id = badges.mint(accounts[2], cls, 0, sender=owner)
        badges.update_stats(token_id, wins, predictions, streak, sender=owner)
        uri = badges.tokenURI(token_id)
        assert uri == expected_uri(cls, 1, wins, predictions, streak)
        meta, svg = decode_uri(uri)
        attrs = {a["trait_type"]: a["value"] for a in meta["attributes"]}
        rate = wins * 100 // predictions if predictions else 0
        assert (attrs["Wins"], attrs["Predictions"], attrs["Best streak"], attrs["Win rate"]) == (wins, predictions, streak, rate)
        assert attrs["Level"] == ("diamond" if wins >= 1000 else "gold" if wins >= 500 else "silver" if wins >= 100 else "bronze")
        assert attrs["Soulbound"] == ("yes" if cls in SOULBOUND else "no")
        assert f">{wins} wins<" in svg and f">{rate}% win rate<" in svg


@settings(max_examples=60)
@given(cls=st.sampled_from(sorted(NAMES)), serial=st.integers(0, 2**128 - 1), predictions=st.integers(0, 2**32 - 1), data=st.data())
def test_render_is_the_token_uri_of_any_stats(badges, cls, serial, predictions, data):
    """`render` answers exactly PROTOCOL §8's URI (every class, serial and level; base64 of every length mod 3)."""
    wins = data.draw(st.one_of(st.integers(0, min(predictions, 1_100)), st.integers(0, predictions)))
    streak = data.draw(st.integers(0, wins))
    assert badges.render(cls, serial, wins, predictions, streak) == expected_uri(cls, serial, wins, predictions, streak)


def test_render_matches_token_uri_and_refuses_unknown_classes(badges, minter, accounts):
    token_id = badges.mint(accounts[2], CHAMPION, 41, sender=minter)
    badges.update_stats(token_id, 777, 1_000, 9, sender=minter)
    assert badges.render(CHAMPION, 41, 777, 1_000, 9) == badges.tokenURI(token_id)
    for cls in (0, 5, 20, 34, 2**128):
        with boa.reverts("badges: unknown class"):
            badges.render(cls, 1, 0, 0, 0)


def test_gas_of_token_uri(badges, minter, accounts):
    """The heaviest card: a diamond with ten-digit stats and a 39-digit season serial."""
    token_id = badges.mint(accounts[2], CHAMPION, 2**128 - 1, sender=minter)
    badges.update_stats(token_id, 2**32 - 1, 2**32 - 1, 2**32 - 1, sender=minter)
    measure("Badges.tokenURI (view, largest card)", badges, "tokenURI", token_id)
    measure("Badges.render (view, largest card)", badges, "render", CHAMPION, 2**128 - 1, 2**32 - 1, 2**32 - 1, 2**32 - 1)


ACTIONS = st.sampled_from(["transfer", "safe", "safe_data", "approve", "operator_transfer"])


@settings(max_examples=20)
@given(moves=st.lists(st.tuples(ACTIONS, st.integers(0, 5), st.integers(0, 5)), min_size=1, max_size=8))
def test_soulbound_never_moves(badges, owner, accounts, moves):
    with boa.env.anchor():
        holders = accounts[2:8]
        token_id = badges.mint(holders[0], HOT_STREAK, 0, sender=owner)
        for action, who, to in moves:
            caller, receiver = holders[who], holders[to]
            if action == "operator_transfer" and caller != holders[0]:
                badges.setApprovalForAll(caller, True, sender=holders[0])
            try:
                if action == "transfer" or action == "operator_transfer":
                    badges.transferFrom(holders[0], receiver, token_id, sender=caller)
                elif action == "safe":
                    badges.safeTransferFrom(holders[0], receiver, token_id, sender=caller)
                elif action == "safe_data":
                    badges.safeTransferFrom(holders[0], receiver, token_id, b"x", sender=caller)
                else:
                    badges.approve(receiver, token_id, sender=caller)
                raise AssertionError("a soulbound badge moved or was approved")
            except boa.BoaError as e:
                assert e.stack_trace.last_frame.vm_error.args[0] == soulbound_error(token_id)
            assert badges.ownerOf(token_id) == holders[0]
            assert badges.getApproved(token_id) == NATIVE
            assert badges.balanceOf(holders[0]) == 1


@settings(max_examples=25)
@given(cls=st.sampled_from([WIN_420, WIN_69, FOUNDER, VIP_GOLD]), start_gap=st.integers(0, 3), attempts=st.integers(1, 6))
def test_minted_never_exceeds_cap(badges, owner, minted_slot, accounts, cls, start_gap, attempts):
    with boa.env.anchor():
        set_minted(badges, minted_slot, cls, CAPS[cls] - start_gap)
        if cls == VIP_GOLD:
            badges.set_vip_price(VIP_GOLD, NATIVE, 1, sender=owner)
            boa.env.set_balance(accounts[2], 100)
        ok = 0
        for _ in range(attempts):
            try:
                if cls == VIP_GOLD:
                    badges.buy_vip(VIP_GOLD, NATIVE, sender=accounts[2], value=1)
                else:
                    badges.mint(accounts[2], cls, 0, sender=owner)
                ok += 1
            except boa.BoaError:
                pass
            assert badges.minted(cls) <= CAPS[cls]
        assert ok == min(attempts, start_gap)
