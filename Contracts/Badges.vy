# SPDX-License-Identifier: AGPL-3.0-only
# pragma version ~=0.4.3
# pragma nonreentrancy off
"""
@title SixNines Badges
@custom:contract-name Badges
@license AGPL-3.0-only
@notice ERC-721 badges (docs/PROTOCOL.md §8):
        - soulbound achievements (First Win, 100 Wins, Hot Streak,
          Legendary): ERC-5192 `locked`, every transfer and approval
          reverts with `Soulbound(uint256)`;
        - capped, tradeable collectibles with ERC-2981 royalties
          ($420.69 win, $69.69 win, season champion, founder);
        - VIP passes (Diamond, Gold) sold for a price the owner sets,
          in the native token or an ERC-20; proceeds and royalties go to
          `treasury`, or, when the treasury is a vault that migrated, to
          the end of its chain of `successor()` links;
        - per-token stats (wins, predictions, best streak) set by the
          minter role (ERC-4906 `MetadataUpdate`), a level that follows
          wins, and a fully on-chain `tokenURI`
          (`data:application/json;base64,...` with an SVG image).
@dev Built on snekmate's `erc721` (ownership, enumeration, minter
     role via `is_minter`/`set_minter`); base64 is done here, a word
     at a time (`_b64`). The transfer and approval entry points are
     wrapped here (not exported from the module) so that locked tokens
     cannot move; `permit` is not exported for the same reason. Token id = `class << 128 | serial`.
"""


from ethereum.ercs import IERC165
implements: IERC165

from ethereum.ercs import IERC20

from snekmate.auth import ownable
initializes: ownable

from snekmate.tokens import erc721
initializes: erc721[ownable := ownable]

from snekmate.tokens.interfaces import IERC4906

exports: (
    erc721.owner,
    erc721.balanceOf,
    erc721.ownerOf,
    erc721.getApproved,
    erc721.isApprovedForAll,
    erc721.setApprovalForAll,
    erc721.name,
    erc721.symbol,
    erc721.totalSupply,
    erc721.tokenByIndex,
    erc721.tokenOfOwnerByIndex,
    erc721.is_minter,
    erc721.set_minter,
    erc721.transfer_ownership,
    erc721.renounce_ownership,
)


# @dev Badge classes (PROTOCOL §8).
FIRST_WIN: public(constant(uint256)) = 1
WINS_100: public(constant(uint256)) = 2
HOT_STREAK: public(constant(uint256)) = 3
LEGENDARY: public(constant(uint256)) = 4
WIN_420_69: public(constant(uint256)) = 16
WIN_69_69: public(constant(uint256)) = 17
SEASON_CHAMPION: public(constant(uint256)) = 18
FOUNDER: public(constant(uint256)) = 19
VIP_DIAMOND: public(constant(uint256)) = 32
VIP_GOLD: public(constant(uint256)) = 33


_SUPPORTED_INTERFACES: constant(bytes4[7]) = [
    0x01FFC9A7, # ERC-165
    0x80AC58CD, # ERC-721
    0x5B5E139F, # ERC-721 metadata
    0x780E9D63, # ERC-721 enumeration
    0x49064906, # ERC-4906
    0xB45A3C0E, # ERC-5192
    0x2A55205A, # ERC-2981
]

_SERIAL_MASK: constant(uint256) = (1 << 128) - 1
_U32: constant(uint256) = (1 << 32) - 1

# @dev Fixed fragments of the SVG card and the JSON metadata (PROTOCOL §8).
_SVG_HEAD: constant(String[203]) = "<svg xmlns='http://www.w3.org/2000/svg' width='320' height='320' viewBox='0 0 320 320'><style>text{font-family:monospace;fill:#fff;text-anchor:middle}</style><rect width='320' height='320' rx='24' fill='"
_SVG_NAME: constant(String[39]) = "'/><text x='160' y='80' font-size='22'>"
_SVG_LEVEL: constant(String[44]) = "</text><text x='160' y='150' font-size='40'>"
_SVG_WINS: constant(String[44]) = "</text><text x='160' y='215' font-size='20'>"
_SVG_RATE: constant(String[49]) = " wins</text><text x='160' y='255' font-size='20'>"
_SVG_TAIL: constant(String[23]) = "% win rate</text></svg>"
_JSON_CLASS: constant(String[78]) = '","description":"SixNines badge","attributes":[{"trait_type":"Class","value":"'
_JSON_LEVEL: constant(String[34]) = '"},{"trait_type":"Level","value":"'
_JSON_WINS: constant(String[32]) = '"},{"trait_type":"Wins","value":'
_JSON_PREDICTIONS: constant(String[38]) = '},{"trait_type":"Predictions","value":'
_JSON_STREAK: constant(String[38]) = '},{"trait_type":"Best streak","value":'
_JSON_RATE: constant(String[35]) = '},{"trait_type":"Win rate","value":'
_JSON_SOULBOUND: constant(String[37]) = '},{"trait_type":"Soulbound","value":"'

# @dev Masks of `_b64`: spreading 192 bits into 32 bytes of 6 bits, and
#      the byte-wise constants of the ASCII mapping.
_B64_96: constant(uint256) = (1 << 96) - 1
_B64_B: constant(uint256) = 26959946667150544013695710968965983277027175690730860366027041013760  # 0xffffffffffff00000000000000000000ffffffffffff000000000000
_B64_LB: constant(uint256) = 95780971304117713365029768258430860601845238344974335  # 0xffffffffffff00000000000000000000ffffffffffff
_B64_C: constant(uint256) = 1766846959466092661121891768420018114985801039493323821558152499151503360  # 0xffffff0000000000ffffff0000000000ffffff0000000000ffffff000000
_B64_LC: constant(uint256) = 105312285391455451316946254278422481714832844703991640899071246335  # 0xffffff0000000000ffffff0000000000ffffff0000000000ffffff
_B64_D: constant(uint256) = 452202420747004320037088189298755375265748058553016073083161112050984284160  # 0xfff00000fff00000fff00000fff00000fff00000fff00000fff00000fff000
_B64_LD: constant(uint256) = 110400981627686601571554733715516449039489272107669939717568630871822335  # 0xfff00000fff00000fff00000fff00000fff00000fff00000fff00000fff
_B64_E: constant(uint256) = 7124036069350101471699675159152050728074839065718513072512290817424364670912  # 0xfc00fc00fc00fc00fc00fc00fc00fc00fc00fc00fc00fc00fc00fc00fc00fc0
_B64_LE: constant(uint256) = 111313063583595335495307424361750792626169360401851766758004544022255697983  # 0x3f003f003f003f003f003f003f003f003f003f003f003f003f003f003f003f
_B64_ONES: constant(uint256) = 454086624460063511464984254936031011189294057512315937409637584344757371137  # 0x101010101010101010101010101010101010101010101010101010101010101
_B64_HIGH: constant(uint256) = 58123087930888129467517984631811969432229639361576439988433610796128943505536  # 0x8080808080808080808080808080808080808080808080808080808080808080


# @dev ERC-5192.
event Locked:
    tokenId: uint256

event BadgeMinted:
    receiver: indexed(address)
    token_id: indexed(uint256)
    badge_class: indexed(uint256)

event StatsUpdated:
    token_id: indexed(uint256)
    wins: uint32
    predictions: uint32
    best_streak: uint32

event VipPurchased:
    buyer: indexed(address)
    token_id: indexed(uint256)
    payment_token: indexed(address)
    price: uint256

event VipPriceSet:
    badge_class: indexed(uint256)
    payment_token: indexed(address)
    price: uint256

event TreasurySet:
    treasury: indexed(address)


# @dev Receives VIP sale proceeds and royalties.
treasury: public(address)

# @dev Number of tokens minted per class.
minted: public(HashMap[uint256, uint256])

# @dev VIP price per (class, payment token); 0 = not for sale.
vip_price: public(HashMap[uint256, HashMap[address, uint256]])

# @dev One soulbound achievement of each class per holder.
has_achievement: public(HashMap[address, HashMap[uint256, bool]])

# @dev wins | predictions << 32 | best_streak << 64.
_stats: HashMap[uint256, uint256]


@deploy
@payable
def __init__(treasury_: address):
    """
    @dev The deployer becomes `owner` and a minter (snekmate `erc721`).
    @param treasury_ The 20-byte receiver of VIP proceeds and royalties.
    """
    assert treasury_ != empty(address), "badges: zero treasury"
    ownable.__init__()
    erc721.__init__("SixNines Badges", "SIX9", "", "SixNines Badges", "1")
    self.treasury = treasury_
    log TreasurySet(treasury=treasury_)


@external
@view
def supportsInterface(interface_id: bytes4) -> bool:
    """
    @dev ERC-165: ERC-721, metadata, enumeration, ERC-4906, ERC-5192, ERC-2981.
    """
    return interface_id in _SUPPORTED_INTERFACES


# ------------------------------------------------------------------------------
# soulbound-aware transfers and approvals
# ------------------------------------------------------------------------------


@external
def approve(to: address, token_id: uint256):
    """
    @dev ERC-721 `approve`; reverts with `Soulbound(token_id)` for locked tokens.
    """
    self._check_transferable(token_id)
    owner: address = erc721._owner_of(token_id)
    assert to != owner, "erc721: approval to current owner"
    assert (
        msg.sender == owner or erc721.isApprovedForAll[owner][msg.sender]
    ), "erc721: approve caller is not token owner or approved for all"
    erc721._approve(to, token_id)


@external
def transferFrom(owner: address, to: address, token_id: uint256):
    """
    @dev ERC-721 `transferFrom`; reverts with `Soulbound(token_id)` for locked tokens.
    """
    self._check_can_transfer(token_id)
    erc721._transfer(owner, to, token_id)


@external
def safeTransferFrom(owner: address, to: address, token_id: uint256, data: Bytes[1_024] = b""):
    """
    @dev ERC-721 `safeTransferFrom`; reverts with `Soulbound(token_id)` for locked tokens.
    """
    self._check_can_transfer(token_id)
    erc721._safe_transfer(owner, to, token_id, data)


@external
@view
def locked(token_id: uint256) -> bool:
    """
    @dev ERC-5192: `True` for soulbound achievements. Reverts for
         tokens that do not exist.
    """
    erc721._require_minted(token_id)
    return self._is_soulbound(token_id >> 128)


# ------------------------------------------------------------------------------
# minting
# ------------------------------------------------------------------------------


@external
def mint(to: address, badge_class: uint256, season: uint256) -> uint256:
    """
    @dev Mints an achievement or collectible badge (not a VIP pass).
         Minter role only.
    @param to The receiver.
    @param badge_class The class (1-4 soulbound, 16-19 collectibles).
    @param season The season number for `SEASON_CHAMPION` (> 0), else 0.
    @return uint256 The new token id.
    """
    self._check_minter()
    # unknown classes (cap 0) and VIP passes (sold, not minted)
    assert badge_class < VIP_DIAMOND and self._cap(badge_class) != 0, "badges: not mintable"
    serial: uint256 = 0
    if badge_class == SEASON_CHAMPION:
        assert season != 0, "badges: season required"
        serial = season
        assert not erc721._exists((badge_class << 128) | serial), "badges: season already has a champion"
        self.minted[badge_class] += 1
    else:
        assert season == 0, "badges: season only for champions"
        serial = self._next_serial(badge_class)
    if self._is_soulbound(badge_class):
        assert not self.has_achievement[to][badge_class], "badges: achievement already held"
        self.has_achievement[to][badge_class] = True
    return self._mint(to, badge_class, serial)


@external
@payable
@nonreentrant
def buy_vip(badge_class: uint256, payment_token: address) -> uint256:
    """
    @dev Buys a VIP pass at the owner-set price, in the native token
         (`payment_token` = zero address, exact `msg.value`) or an ERC-20
         (`transferFrom` the buyer; no native value). Proceeds go to
         `treasury`, or to its successor when the treasury is a migrated
         vault (`payee`).
    @param badge_class `VIP_DIAMOND` or `VIP_GOLD`.
    @param payment_token The payment token (zero address: native).
    @return uint256 The new token id.
    """
    self._check_vip(badge_class)
    price: uint256 = self.vip_price[badge_class][payment_token]
    assert price != 0, "badges: not for sale in this token"
    serial: uint256 = self._next_serial(badge_class)
    token_id: uint256 = self._mint(msg.sender, badge_class, serial)
    payee: address = self._payee()
    # native: exactly the price; ERC-20: no native value
    assert msg.value == (price if payment_token == empty(address) else 0), "badges: wrong payment"
    if payment_token == empty(address):
        raw_call(payee, b"", value=price)
    else:
        assert payment_token.is_contract, "badges: token is not a contract"
        response: Bytes[32] = raw_call(
            payment_token,
            abi_encode(msg.sender, payee, price, method_id=method_id("transferFrom(address,address,uint256)")),
            max_outsize=32,
        )
        if len(response) != 0:
            assert abi_decode(response, bool), "badges: payment failed"
    log VipPurchased(buyer=msg.sender, token_id=token_id, payment_token=payment_token, price=price)
    return token_id


@external
def set_vip_price(badge_class: uint256, payment_token: address, price: uint256):
    """
    @dev Sets the price of a VIP pass in `payment_token` (0: not for sale). Owner only.
    """
    ownable._check_owner()
    self._check_vip(badge_class)
    self.vip_price[badge_class][payment_token] = price
    log VipPriceSet(badge_class=badge_class, payment_token=payment_token, price=price)


@external
def set_treasury(treasury_: address):
    """
    @dev Sets the receiver of proceeds and royalties. Owner only.
    """
    ownable._check_owner()
    assert treasury_ != empty(address), "badges: zero treasury"
    self.treasury = treasury_
    log TreasurySet(treasury=treasury_)


@external
@pure
def cap(badge_class: uint256) -> uint256:
    """
    @dev Supply cap of a class (`max_value(uint256)`: one per holder,
         uncapped in total; season champion: 1 per season).
    """
    return self._cap(badge_class)


# ------------------------------------------------------------------------------
# royalties (ERC-2981)
# ------------------------------------------------------------------------------


@external
@view
def royaltyInfo(token_id: uint256, sale_price: uint256) -> (address, uint256):
    """
    @dev ERC-2981: royalty for `token_id` sold at `sale_price`, paid to
         the `payee`: 5 % or 10 % by class, 0 for soulbound badges.
    """
    return self._payee(), sale_price * self._royalty_bps(token_id >> 128) // 10_000


@external
@view
def payee() -> address:
    """
    @dev Where proceeds and royalties go: `treasury`, or the end of its
         chain of `successor()` links when it is a migrated vault.
    """
    return self._payee()


# ------------------------------------------------------------------------------
# stats and metadata
# ------------------------------------------------------------------------------


@external
def update_stats(token_id: uint256, wins: uint32, predictions: uint32, best_streak: uint32):
    """
    @dev Sets the stats shown by `tokenURI`. Minter role only. Emits
         ERC-4906 `MetadataUpdate`.
    """
    self._check_minter()
    erc721._require_minted(token_id)
    assert wins <= predictions, "badges: more wins than predictions"
    assert best_streak <= wins, "badges: streak longer than wins"
    self._stats[token_id] = convert(wins, uint256) | (convert(predictions, uint256) << 32) | (convert(best_streak, uint256) << 64)
    log StatsUpdated(token_id=token_id, wins=wins, predictions=predictions, best_streak=best_streak)
    log IERC4906.MetadataUpdate(_tokenId=token_id)


@external
@view
def stats(token_id: uint256) -> (uint32, uint32, uint32):
    """
    @dev Returns `(wins, predictions, best_streak)`.
    """
    s: uint256 = self._stats[token_id]
    return convert(s & _U32, uint32), convert((s >> 32) & _U32, uint32), convert((s >> 64) & _U32, uint32)


@external
@pure
def level_of(wins: uint256) -> String[7]:
    """
    @dev Level for a number of wins: bronze < 100 <= silver < 500 <= gold < 1000 <= diamond.
    """
    return self._level(wins)


@external
@view
def tokenURI(token_id: uint256) -> String[2_781]:
    """
    @dev `data:application/json;base64,` + base64 of the JSON metadata
         with an on-chain SVG image (PROTOCOL §8).
    """
    erc721._require_minted(token_id)
    s: uint256 = self._stats[token_id]
    return self._uri(token_id >> 128, token_id & _SERIAL_MASK, s & _U32, (s >> 32) & _U32, (s >> 64) & _U32)


@external
@pure
def render(badge_class: uint256, serial: uint256, wins: uint32, predictions: uint32, best_streak: uint32) -> String[2_781]:
    """
    @dev What `tokenURI` answers for the token `class << 128 | serial`
         with these stats, without minting it (previews, off-chain
         renderers checking their output). Reverts for an unknown class.
    """
    assert self._cap(badge_class) != 0, "badges: unknown class"
    return self._uri(badge_class, serial & _SERIAL_MASK, convert(wins, uint256), convert(predictions, uint256), convert(best_streak, uint256))


# ------------------------------------------------------------------------------
# internals
# ------------------------------------------------------------------------------


@internal
@view
def _payee() -> address:
    payee: address = self.treasury
    for _: uint256 in range(64):
        if not payee.is_contract:
            break
        ok: bool = False
        response: Bytes[32] = b""
        ok, response = raw_call(payee, method_id("successor()"), max_outsize=32, is_static_call=True, revert_on_failure=False)
        if not ok or len(response) != 32:
            break
        word: uint256 = convert(response, uint256)
        if word == 0 or word >> 160 != 0:
            break
        payee = convert(convert(word, uint160), address)
    return payee


@internal
def _mint(to: address, badge_class: uint256, serial: uint256) -> uint256:
    token_id: uint256 = (badge_class << 128) | serial
    erc721._safe_mint(to, token_id, b"")
    if self._is_soulbound(badge_class):
        log Locked(tokenId=token_id)
    log BadgeMinted(receiver=to, token_id=token_id, badge_class=badge_class)
    return token_id


@internal
def _next_serial(badge_class: uint256) -> uint256:
    serial: uint256 = self.minted[badge_class] + 1
    assert serial <= self._cap(badge_class), "badges: supply cap reached"
    self.minted[badge_class] = serial
    return serial


@internal
@view
def _check_minter():
    assert erc721.is_minter[msg.sender], "badges: caller is not a minter"


@internal
@pure
def _check_vip(badge_class: uint256):
    assert badge_class == VIP_DIAMOND or badge_class == VIP_GOLD, "badges: not a VIP pass"


@internal
def _check_can_transfer(token_id: uint256):
    self._check_transferable(token_id)
    assert erc721._is_approved_or_owner(msg.sender, token_id), "erc721: caller is not token owner or approved"


@internal
@view
def _check_transferable(token_id: uint256):
    erc721._require_minted(token_id)
    if self._is_soulbound(token_id >> 128):
        raw_revert(abi_encode(token_id, method_id=method_id("Soulbound(uint256)")))


@internal
@pure
def _is_soulbound(badge_class: uint256) -> bool:
    return badge_class >= FIRST_WIN and badge_class <= LEGENDARY


@internal
@pure
def _cap(badge_class: uint256) -> uint256:
    if self._is_soulbound(badge_class):
        return max_value(uint256)
    if badge_class == WIN_420_69:
        return 420
    if badge_class == WIN_69_69:
        return 6_969
    if badge_class == FOUNDER or badge_class == VIP_DIAMOND:
        return 1_000
    if badge_class == VIP_GOLD:
        return 10_000
    if badge_class == SEASON_CHAMPION:
        return 1
    return 0


@internal
@pure
def _royalty_bps(badge_class: uint256) -> uint256:
    if badge_class == SEASON_CHAMPION or badge_class == VIP_DIAMOND:
        return 1_000
    if badge_class == WIN_420_69 or badge_class == WIN_69_69 or badge_class == FOUNDER or badge_class == VIP_GOLD:
        return 500
    return 0


@internal
@pure
def _class_name(badge_class: uint256) -> String[20]:
    if badge_class == FIRST_WIN:
        return "First Win"
    if badge_class == WINS_100:
        return "100 Wins"
    if badge_class == HOT_STREAK:
        return "Hot Streak"
    if badge_class == LEGENDARY:
        return "Legendary"
    if badge_class == WIN_420_69:
        return "$420.69 Win"
    if badge_class == WIN_69_69:
        return "$69.69 Win"
    if badge_class == SEASON_CHAMPION:
        return "Season Champion"
    if badge_class == FOUNDER:
        return "Founder"
    if badge_class == VIP_DIAMOND:
        return "VIP Diamond"
    return "VIP Gold"


@internal
@pure
def _level(wins: uint256) -> String[7]:
    if wins >= 1_000:
        return "diamond"
    if wins >= 500:
        return "gold"
    if wins >= 100:
        return "silver"
    return "bronze"


@internal
@pure
def _color(wins: uint256) -> String[7]:
    if wins >= 1_000:
        return "#1b9aaa"
    if wins >= 500:
        return "#c9a227"
    if wins >= 100:
        return "#8a8d91"
    return "#a0522d"


@internal
@pure
def _uri(badge_class: uint256, serial: uint256, wins: uint256, predictions: uint256, streak: uint256) -> String[2_781]:
    """
    @dev The token URI of a class, serial and stats (PROTOCOL §8): the
         SVG and JSON from precomputed fragments, each number written once.
    """
    rate: uint256 = 0
    if predictions != 0:
        rate = wins * 100 // predictions
    name: String[20] = self._class_name(badge_class)
    level: String[7] = self._level(wins)
    w: String[10] = uint2str(convert(wins, uint32))
    r: String[3] = uint2str(convert(rate, uint8))
    svg: String[700] = concat(
        _SVG_HEAD, self._color(wins), _SVG_NAME, name, _SVG_LEVEL, level, _SVG_WINS, w, _SVG_RATE, r, _SVG_TAIL
    )
    head: String[747] = concat(
        '{"name":"', name, " #", uint2str(convert(serial, uint128)), _JSON_CLASS, name, _JSON_LEVEL, level,
        _JSON_WINS, w, _JSON_PREDICTIONS, uint2str(convert(predictions, uint32)), _JSON_STREAK, uint2str(convert(streak, uint32)),
        _JSON_RATE, r, _JSON_SOULBOUND, "yes" if self._is_soulbound(badge_class) else "no", '"}],',
    )
    # base64(a ‖ b) = base64(a) ‖ base64(b) when len(a) % 3 == 0: pad the
    # first part with JSON whitespace (PROTOCOL §8: 0-2 spaces before "image").
    pad: uint256 = (3 - len(head) % 3) % 3
    head_padded: String[749] = concat(head, slice("  ", 0, pad))
    # at most 35 + 936 + 2 characters (an SVG of at most 700 bytes)
    tail: String[1_024] = abi_decode(
        abi_encode(concat('"image":"data:image/svg+xml;base64,', self._b64(convert(svg, Bytes[700])), '"}')), String[1_024]
    )
    return concat(
        "data:application/json;base64,",
        self._b64(convert(head_padded, Bytes[749])),
        self._b64(convert(tail, Bytes[1_024])),
    )


@internal
@pure
def _b64(data: Bytes[1_024]) -> String[1_376]:
    """
    @dev Base64 (standard alphabet, `=` padding) 24 input bytes at a
         time: the 32 sextets of a 24-byte chunk are spread into the 32
         bytes of one word by masks and shifts, then mapped to ASCII in
         all bytes at once (SWAR). The words are laid out after a string
         header (offset, length) and decoded as an ABI string.
    """
    n: uint256 = len(data)
    if n == 0:
        return ""
    padded: Bytes[1_056] = concat(data, empty(bytes32))
    length: uint256 = 4 * ((n + 2) // 3)
    words: DynArray[uint256, 43] = []
    for i: uint256 in range(43):
        if 24 * i >= n:
            break
        x: uint256 = convert(extract32(padded, unsafe_mul(24, i)), uint256) >> 64
        y: uint256 = ((x >> 96) << 128) | (x & _B64_96)
        y = ((y & _B64_B) << 16) | (y & _B64_LB)
        y = ((y & _B64_C) << 8) | (y & _B64_LC)
        y = ((y & _B64_D) << 4) | (y & _B64_LD)
        y = ((y & _B64_E) << 2) | (y & _B64_LE)
        # per byte v < 64: 'A' + v, + 6 from 26 ('a'), - 75 from 52 ('0'), - 15 at 62 ('+'), + 3 at 63 ('/');
        # no byte carries or borrows (each stays in 43..122), so the word arithmetic cannot overflow
        words.append(unsafe_sub(
            unsafe_add(unsafe_add(unsafe_add(y, 65 * _B64_ONES), unsafe_mul(6, (unsafe_add(y, 102 * _B64_ONES) & _B64_HIGH) >> 7)),
                       unsafe_mul(3, (unsafe_add(y, 65 * _B64_ONES) & _B64_HIGH) >> 7)),
            unsafe_add(unsafe_mul(75, (unsafe_add(y, 76 * _B64_ONES) & _B64_HIGH) >> 7),
                       unsafe_mul(15, (unsafe_add(y, 66 * _B64_ONES) & _B64_HIGH) >> 7)),
        ))
    # the last 1 or 2 characters of an input not a multiple of 3 are `=`
    pad: uint256 = (3 - n % 3) % 3
    if pad != 0:
        last: uint256 = len(words) - 1
        bits: uint256 = 8 * (32 * (last + 1) - length)
        fill: uint256 = 15_677 if pad == 2 else 61  # "==" or "="
        mask: uint256 = 65_535 if pad == 2 else 255
        words[last] = (words[last] & ~(mask << bits)) | (fill << bits)
    return convert(slice(abi_encode(words), 64, length), String[1_376])
