// libsodium (libsodium-dev): its SIMD scrypt (crypto_pwhash_scryptsalsa208sha256_ll) for keystores.
#include <sodium.h>
