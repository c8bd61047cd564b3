#!/bin/sh
# How the RSA test keys and known answers in this folder were made, with
# OpenSSL 3.0. The keys were made once, with the commands below; they are
# random, so making them again means pasting the new PEM bodies and
# answers into ../rsa.js (rsa_test.go checks that it has them all). This
# script itself makes the answers: answers.txt again exactly for the
# committed keys, since PKCS #1 v1.5 and PSS with an empty salt are
# deterministic.
#
#   openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -pkeyopt rsa_keygen_pubexp:3 -out e3-2048.pem
#   openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -pkeyopt rsa_keygen_pubexp:17 -out e17-1024.pem
#   openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1025 -out e65537-1025.pem
#   openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:512 -out e65537-512.pem
#   for k in *[0-9].pem; do openssl pkey -in $k -pubout -out ${k%.pem}.pub.pem; done
#
# pss-vect-1.pem is not random: it is the key of RSA Laboratories'
# pss-vect.txt Example 1 (as in ../subtle.js), written as PKCS #8.
#
# answers.txt has one known answer a line: key file, scheme, hash, the
# message in hex, the signature in hex. random.txt, in the same form, has
# a PSS signature with a 32-byte random salt and an RSA-OAEP ciphertext
# (random padding); they differ each time this runs, so it writes them
# only when asked to (./make.sh random).
set -e
cd "$(dirname "$0")"
msg=776f726b793a2064657465726d696e69737469632052534120504b435320233120736967
vect=cdc87da223d786df3b45e0bbbc721326d1ee2af806cc315475cc6f0d9c66e1b62371d45ce2392e1ac92844c310102f156a0d8d52c1f4c40ba3aa65095786cb769757a6563ba958fed0bcc984e8b517a3d5f515b23b8a41e74aa867693f90dfb061a6e86dfaaee64472c00e5f20945729cbebe77f06ce78e08f4098fba41f9d6193c0317e8b60d4b6084acb42d29e3808a3bc372d85e331170fcbf7cc72d0b71c296648b3a4d10f416295d0807aa625cab2744fd9ea8fd223c42537029828bd16be02546f130fd2e33b936d2676e08aed1b73318b750a0167d0
sign() { # key scheme hash msghex
	if [ "$2" = pss0 ]; then
		opts="-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:0 -sigopt rsa_mgf1_md:$3"
	else
		opts=""
	fi
	sig=$(echo "$4" | xxd -r -p | openssl dgst "-$3" -sign "$1" $opts | xxd -p | tr -d '\n')
	echo "$1 $2 $3 $4 $sig"
}
{
	sign e3-2048.pem pss0 sha256 $msg
	sign e3-2048.pem pkcs1 sha256 $msg
	sign e17-1024.pem pss0 sha512 $msg
	sign e17-1024.pem pkcs1 sha1 $msg
	sign e65537-1025.pem pss0 sha384 $msg
	sign pss-vect-1.pem pss0 sha1 $vect
} >answers.txt
[ "$1" = random ] || exit 0
{
	sig=$(echo $msg | xxd -r -p | openssl dgst -sha256 -sign e3-2048.pem -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 | xxd -p | tr -d '\n')
	echo "e3-2048.pem pss32 sha256 $msg $sig"
	ct=$(echo $msg | xxd -r -p | openssl pkeyutl -encrypt -inkey e3-2048.pem -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256 | xxd -p | tr -d '\n')
	echo "e3-2048.pem oaep sha256 $msg $ct"
	ct=$(echo $msg | xxd -r -p | openssl pkeyutl -encrypt -inkey e17-1024.pem -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha1 -pkeyopt rsa_mgf1_md:sha1 | xxd -p | tr -d '\n')
	echo "e17-1024.pem oaep sha1 $msg $ct"
} >random.txt
