# SPDX-License-Identifier: AGPL-3.0-only
# pragma version ~=0.4.3
"""
@title Test-only payout recipient that tries to re-enter the vault
"""
interface Vault:
    def execute(action: uint8, data: Bytes[1024], proposal_nonce: uint256): nonpayable

vault: public(address)
calls: public(uint256)

@deploy
def __init__(vault: address):
    self.vault = vault

@external
@payable
def __default__():
    self.calls += 1
    extcall Vault(self.vault).execute(3, b"", 0)
