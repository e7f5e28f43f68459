# SPDX-License-Identifier: AGPL-3.0-only
# pragma version ~=0.4.3
"""
@title Test-only ERC-20
@notice Minimal ERC-20 for the vault tests; `set_fail(True)` makes
        `transfer` return False instead of reverting.
"""
balanceOf: public(HashMap[address, uint256])
fail: public(bool)

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256

@external
def mint(to: address, amount: uint256):
    self.balanceOf[to] += amount

@external
def set_fail(fail: bool):
    self.fail = fail

@external
def transferFrom(owner: address, to: address, amount: uint256) -> bool:
    # no allowances: the tests only need balances to move (or `fail`)
    self.balanceOf[owner] -= amount
    self.balanceOf[to] += amount
    log Transfer(sender=owner, receiver=to, value=amount)
    return not self.fail

@external
def transfer(to: address, amount: uint256) -> bool:
    self.balanceOf[msg.sender] -= amount
    self.balanceOf[to] += amount
    log Transfer(sender=msg.sender, receiver=to, value=amount)
    return not self.fail
