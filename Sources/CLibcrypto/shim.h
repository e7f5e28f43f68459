// OpenSSL's libcrypto (libssl-dev): scrypt, PBKDF2-HMAC-SHA256, AES-128-CTR and the CSPRNG for keystores.
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
