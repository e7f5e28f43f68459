# SPDX-License-Identifier: AGPL-3.0-only
# pragma version ~=0.4.3
"""
@title Test-only Chainlink-style aggregator (AggregatorV3Interface subset)
"""
decimals: public(uint8)
answer: public(int256)
updated_at: public(uint256)
round_id: public(uint80)

@deploy
def __init__(decimals_: uint8):
    self.decimals = decimals_

@external
def set(answer_: int256, updated_at_: uint256):
    self.answer = answer_
    self.updated_at = updated_at_
    self.round_id += 1

@external
@view
def latestRoundData() -> (uint80, int256, uint256, uint256, uint80):
    return self.round_id, self.answer, self.updated_at, self.updated_at, self.round_id
