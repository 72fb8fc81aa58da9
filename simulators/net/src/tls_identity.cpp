// Certificates made at start-up with the OpenSSL API, in memory: a CA and a leaf for the
// simulated host names, so a client can be pointed at the CA instead of told to skip
// verification.
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <boost/asio/ip/address.hpp>

#include "maillab/net/tls.hpp"

namespace maillab::net {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free>;
using Cert = std::unique_ptr<X509, Free>;
using Bio = std::unique_ptr<BIO, Free>;

[[noreturn]] void fail(const std::string& what) {
  char buf[256] = "";
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  throw std::runtime_error("TLS certificate: " + what + ": " + buf);
}

Key new_key() {
  Key key(EVP_EC_gen("P-256"));
  if (!key) fail("cannot make a key");
  return key;
}

std::string pem_of(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || !PEM_write_bio_X509(bio.get(), cert)) fail("cannot write a certificate");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string pem_of(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || !PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)) fail("cannot write a key");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, Free> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || !X509_add_ext(cert, ext.get(), -1)) fail("cannot add extension " + value);
}

std::string alt_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(n, ec);
    out += (out.empty() ? "" : ",") + std::string(ec ? "DNS:" : "IP:") + n;
  }
  return out;
}

// A certificate for `subject_cn` with `key`, not yet signed; issuer set from `issuer`
// (itself when null).
Cert new_certificate(const std::string& subject_cn, EVP_PKEY* key, X509* issuer, const CertificateRequest& r) {
  Cert cert(X509_new());
  if (!cert) fail("cannot make a certificate");
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;  // positive
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(BN_bin2bn(serial, sizeof serial, nullptr), BN_free);
  BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(r.not_before.count()));
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(r.not_after.count()));
  X509_set_pubkey(cert.get(), key);
  auto* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("maillab"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(subject_cn.c_str()), -1,
                             -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  return cert;
}

void sign(X509* cert, EVP_PKEY* key) {
  if (!X509_sign(cert, key, EVP_sha256())) fail("cannot sign");
}

struct Ca {
  Key key;
  Cert cert;
};

Ca new_ca(const CertificateRequest& r) {
  Ca ca{new_key(), nullptr};
  CertificateRequest validity;  // the CA is valid now, whatever the leaf says
  validity.not_after = std::max(r.not_after, validity.not_after);
  ca.cert = new_certificate("maillab test CA", ca.key.get(), nullptr, validity);
  add_extension(ca.cert.get(), ca.cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(ca.cert.get(), ca.cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(ca.cert.get(), ca.cert.get(), NID_subject_key_identifier, "hash");
  sign(ca.cert.get(), ca.key.get());
  return ca;
}

Ca issuer_ca(const TlsIdentity& issuer) {
  Bio cbio(BIO_new_mem_buf(issuer.ca_pem.data(), static_cast<int>(issuer.ca_pem.size())));
  Bio kbio(BIO_new_mem_buf(issuer.ca_key_pem.data(), static_cast<int>(issuer.ca_key_pem.size())));
  Ca ca{Key(PEM_read_bio_PrivateKey(kbio.get(), nullptr, nullptr, nullptr)),
        Cert(PEM_read_bio_X509(cbio.get(), nullptr, nullptr, nullptr))};
  if (!ca.key || !ca.cert) fail("cannot read the issuing CA");
  return ca;
}

// The leaf for `r`, signed by `ca`, or by itself when there is none.
Cert leaf(const CertificateRequest& r, EVP_PKEY* key, const Ca* ca) {
  auto cert = new_certificate(r.names.front(), key, ca ? ca->cert.get() : nullptr, r);
  X509* issuer = ca ? ca->cert.get() : cert.get();
  add_extension(cert.get(), issuer, NID_basic_constraints, "critical,CA:FALSE");
  if (ca) add_extension(cert.get(), issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
  add_extension(cert.get(), issuer, NID_ext_key_usage, "serverAuth");
  add_extension(cert.get(), issuer, NID_subject_key_identifier, "hash");
  if (ca) add_extension(cert.get(), issuer, NID_authority_key_identifier, "keyid:always");
  add_extension(cert.get(), issuer, NID_subject_alt_name, alt_names(r.names));
  sign(cert.get(), ca ? ca->key.get() : key);
  return cert;
}

}  // namespace

TlsIdentity make_identity(const CertificateRequest& r) {
  if (r.names.empty()) throw std::invalid_argument("TLS certificate: no host name to make it for");
  auto leaf_key = new_key();
  TlsIdentity out;
  if (r.self_signed) {
    out.certificate_pem = pem_of(leaf(r, leaf_key.get(), nullptr).get());
    out.ca_pem = out.certificate_pem;
  } else {
    Ca ca = r.issuer && !r.issuer->ca_key_pem.empty() ? issuer_ca(*r.issuer) : new_ca(r);
    out.certificate_pem = pem_of(leaf(r, leaf_key.get(), &ca).get());
    out.ca_pem = pem_of(ca.cert.get());
    out.ca_key_pem = pem_of(ca.key.get());
  }
  out.key_pem = pem_of(leaf_key.get());
  return out;
}

namespace {

std::string read_file(const std::filesystem::path& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument(std::string(what) + " '" + path.string() + "': cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TlsIdentity read_identity(const std::filesystem::path& certificate, const std::filesystem::path& key) {
  TlsIdentity out{read_file(certificate, "--cert"), read_file(key, "--key"), {}, {}};
  Bio cbio(BIO_new_mem_buf(out.certificate_pem.data(), static_cast<int>(out.certificate_pem.size())));
  Cert cert(PEM_read_bio_X509(cbio.get(), nullptr, nullptr, nullptr));
  if (!cert) throw std::invalid_argument("--cert '" + certificate.string() + "': no PEM certificate in it");
  Bio kbio(BIO_new_mem_buf(out.key_pem.data(), static_cast<int>(out.key_pem.size())));
  Key k(PEM_read_bio_PrivateKey(kbio.get(), nullptr, nullptr, nullptr));
  if (!k) throw std::invalid_argument("--key '" + key.string() + "': no unencrypted PEM private key in it");
  if (X509_check_private_key(cert.get(), k.get()) != 1)
    throw std::invalid_argument("--key '" + key.string() + "': does not match the certificate in '" +
                                certificate.string() + "'");
  ERR_clear_error();
  return out;
}

void write_pem(const std::filesystem::path& path, const std::string& pem) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << pem;
  out.close();
  if (!out) throw std::runtime_error("cannot write '" + path.string() + "'");
}

}  // namespace maillab::net
