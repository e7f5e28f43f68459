import EVM
print(Hex.encode([1,2,3]))
