/**
 * Official test vectors from wechatpay-apiv3/wechatpay-java (Apache-2.0), reference §9
 * items 3, 5 and 6. Data only, copied verbatim from the stored copies.
 */

/** `core/src/test/java/com/wechat/pay/java/core/model/TestConfig.java`: a real-length (32-byte) APIv3 key. */
export const JAVA_API_V3_KEY = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb";

/**
 * §9 item 3, `core/src/test/java/com/wechat/pay/java/core/cipher/AeadAesCipherTest.java`
 * (commit 79e087582cdedb866fce4b5fbb5cd0afb37d2789): AES-256-GCM with JAVA_API_V3_KEY; the
 * Java test checks both directions (encrypt gives CIPHERTEXT, decrypt gives MESSAGE).
 */
export const JAVA_AEAD_VECTOR = {
  plaintext: "message",
  associatedData: "associatedData",
  nonce: "uluk4a9R25RW",
  ciphertext: "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=",
} as const;

/**
 * §9 item 5, `TestConfig.DOWNLOAD_CERTIFICATE_RESPONSE` and `DOWNLOAD_CERTIFICATE_SERIAL_NUMBER`
 * (commit 167e9c4195923cc1e20d42e90607309098d666a1): a `/v3/certificates` body whose one
 * certificate decrypts with JAVA_API_V3_KEY. The response's signature headers are not part of
 * the vector (the Java test does not sign it), so tests sign it with a key they hold.
 */
export const JAVA_DOWNLOAD_CERTIFICATE_SERIAL = "5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC";
export const JAVA_DOWNLOAD_CERTIFICATE_RESPONSE =
  "{\n" +
  '    "data": [\n' +
  "        {\n" +
  '            "effective_time": "2023-09-19T23:15:58+08:00",\n' +
  '            "encrypt_certificate": {\n' +
  '                "algorithm": "AEAD_AES_256_GCM",\n' +
  '                "associated_data": "certificate",\n' +
  '                "ciphertext": "Mr/AxbvY+WL9hKlD5nIa03LOMPpn5f+CWeNxE4ujl0f5gXZ9XLJ9CldkArCOTsbU62XgKnTc3YvRMZQ7wCmE2fzwmAenAySTYsPms72JhggPWfdqVxri9YD5wBYKn8Ck0Fc5JIiVw9WlN2oxHBz83mRVsjoTGC5+cX1CdYqKuZ8pkvi0aCJIq07ZC8MHoTowUz+4jYJy9XeKqip83Z7BmUYxsePpNM+HtihBqTJIUYXJfX7Col5X0ACsApRoU9l6swfW/kzvqNpDJavhDBGasLrr5822+Fk5nVkcTi53f8Wbue7ODWjJxj1yhRYcxFCvXLtpYNB+Qa1aXtrBSdBdBI2p7o+6Imn+auHLBCzkrZqF/yd+d4vTn4tqHPLUj89XcHsMf96uBo3T/HQV8LEDeIO+6YvOK9FrIDYsvp+imN4n/mnF7eJKo9mpN/QqWJiawrFpAmMMxFKBjIdpgMnVUl3Z11RcWKyfOJ3kcmItTWcnZFNyDgR9cS0aU6QPlefa3uUW89uzBuHjcFdDl43yU3LE4qZnHLDcDgx4qt0OFCLiy51GXtEpyYs5k99YJBvKK+RyIs4Yc1/smBmClQUhxW+8bsPNOcXfDvH2yX4YzESoO4TV0RqiCgnsSd4zIFyJPiMKIGzVHiw6Kg0eGCmB4mGHEEZCQ0eN3SSPO0QVjjtBYfgXDZfVHSaAB8PjWBVNFimoViZZQrwT6Ygo0LU0Dd8+F5aHFYr4OPHPslr3hrgutEYXDTv1vTA6ABJGqknJ9Y2vtyWpy7aIwxc0kQq/1ezjs+RMVL/LRpGDnbx1/CGPDjZhYgZypKa55+PDhoaQxqkF3xCLz2DGoNHZYmFqxzAOsAK0vJZw4VcAk6ssbA6YIaMuiemEpxfLC9ZiXtRqsX9s+GWjjtA8JywOFMO+NKZm9BH/E5YNg2DDD3sHG9Mciwn7yJ6sdf8h2lAWlEExAOeiBNyshOHAQ0/S+x1ncWNiqY+Uh5n0rtonvePV2MsxVlEWR3AVHn1abcEWkzivd+G5kg7LYO0goqzGClcQfnFfZdO6KwcMXsBCnm9A1Bl4+k5LLokTIYH5/36SRIZ9j0CHGD77BQLE7x8AlNsoFS2m263tLLq78TFqvZUTIZIQcVIl+NInscS3xQbA38qqFqutCWIwoF1azuJ7woiJyMvnS3xzIpNzP+rzJ8VDXxjLjpEUBOC9WDs74+QMtsAdmh6g0KDclHEk8WJ4P2bnso4z3VCGoDT5X/0bS1C+jMZMKaOCNB21FZ08qgUHmKeDeg8ylENu+mh2Y/AaEDSGkGBHIfFbhMYO3uRxhk9hldiHEnHgdkXiVAAUWk/IhtmGijibO/L76vB74Xpes973uK+2iFKgNBk8qTLLZZnuWbcMQuA6VsFULRb/C+q9B21YuAWPMzvgBwr4EX2m/OpF5w8Q0HL7v1H5H0mIGJbrjnklUPoBYrw30W3uk7yF0KE6sfMukafFx0S9rBOL0RykGDPwC0lHSNySkXDeM5XvDJ+dtHK+RDwhJR+azfrWAHGMtZcQ+YVamjWVmHxXM03j3GeCXgqae1upwHzkPL5OwojcQ5MQi3Kv/1xtwY0cRN/yeZTOsXfujtqhkJj/Vltby4lnW4SCj4LjWQF19BY6zhzF4yybBA8bhhtoNP/zx8QkhHAkIROkK2ZVgfocCAPvfQ+vSrsIBO+L5cmg6mzFn4g84lsHscgXnszIlzUrzx/4Tam0uwuS9J1gddZ0I0QUt9SJzfsoBCTU0OgNMUtXKS5HvgXe7abexMtFH5eulOsAuFZkQ5LYJa/m4yHFInXzL/t3hjdTi2NmxUufvYzwIyffRTu5vS9vjscARD9lUQDHFQ/xgWe1i8EkRlrSfjlXt00+4//h2bcJKyTBT3IXwvKNsuY29V9/vU3HkvWKZ99zpSlmcZRuBa1BHbyPEvc0NlqIIoKidxqUvOR64MzudHhAjgWFP+IXojfhS3Gj9OJhBL7s",\n' +
  '                "nonce": "14b16c03dc1b"\n' +
  "            },\n" +
  '            "expire_time": "2028-09-17T23:15:58+08:00",\n' +
  '            "serial_no": "5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC"\n' +
  "        }\n" +
  "    ]\n" +
  "}";

/**
 * §9 item 6, matched key material under `core/src/test/resources/` (commit
 * 79e087582cdedb866fce4b5fbb5cd0afb37d2789, public key 167e9c4195923cc1e20d42e90607309098d666a1).
 * `wechat_pay_certificate.pem` (serial 440024045C4A427599D09BB4E3DE0279F2E813FD) is not in
 * the stored copies, so only the WeChat Pay key pair and public key are used here.
 */
export const JAVA_MERCHANT_ID = "1234567891";
export const JAVA_MERCHANT_CERTIFICATE_SERIAL = "5F1C72E2A8931B72A2E13AF8DEE92471EB397115";

export const JAVA_MERCHANT_PRIVATE_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCaZzehUwzcxdLg
Gn/UNryHLdX0yBvCqD0p92/BdlCIBi0dmzZzrfc+FF0xK70AP9b2+Ry5q+zXUU+d
PucJmgwABiZ+Lte+4euMxqPCEkdEu9lyiphalpoaOVPbmDNatzq9k5a/P454QRWM
dkLUJZCeoL9bF2Gn/2+wWEw3sL8zFFcOM8Jr1PdOLmAx+h7pf/87jcmXXCm+SZqw
5MtILKQi9zHWujYdMA0IcYNeQaNl1h/NUnungdIHKaaU+17wCXqTcZsipAGoqfqr
Hx/sr30ZszOdHYOvFNiB+rhEldBGSLWwSYE6LFkbP9GdQWKIQCip3E5dLj5ZFkDe
Ov4Hekf9AgMBAAECggEAEsVsqnS90hNMzUj7dHHJHsgQRGeVlGc+tFzsHcGEDd1u
W7SUfKDQN6BjKgiuvBqGyFTFzL7dltnAS5YroWu0fMZCpMGOIhs2N1Go8/2j43PQ
/k9iMVUw2/JPQxmwWJ2BCy4nvA1+hRkohQCVpFQCzn4tdWYUzcdMrUw2y+h1fkCQ
5MJn7iw9QHKQSeFeCl1/xq2PvOtiK/r1LsckyKNSSNgFEfxyWYaKbnK9OH+5rFKQ
QuI+fnAgE6QiLvmW0NqqZUSfqkLKi/FSWI13ns0H6OxjqpLX8VQ6+Cw5qq8fCuv2
gzkVk8A85ZTCQL/q9qDilt9uAE0bE924WU+n2zkBoQKBgQDQvIufN6fKpm27k4yx
RNV23fj9nojewaVqGg/3yuyiAu6w/yFcTXkGMVOicTYraX2mliHTIoyP8ywKGqqa
XS/Kk3tGD1K04KriPiFwWXU54+DmOJEyYoJlmXOm4BoZ1lW0z5HECC9eO/VPSDY+
zQdRYSCTdSHEgYuOGQSLPPwdrQKBgQC9XTrvkUkIthayc+4IhV6m4kT8uwzuoc3f
uaJhFFcpLKqzcpQBH71TYCXfqkucnO0no0sGerBB4HJQoVRK+jsdhNZhcw1JKLau
E+YlCSRLZ62vyzBTzLw1fnFBp82z1VZBujCrMP+DdwXBTsnkRaUtmDEG0s6YsCwd
fayF0PB9kQKBgAHc/P4R2ByV+brH6WSXsbQa7SMObDhY0CovS18x34Tes9S+okSZ
qG/mttFnY01l5qo7AthIoaqTSBxa+pTgKhIL2PjaICnfK4dTeKbxFXvLzfEgJiOl
/3X6ta6Sp4j9gcxYYfu2+v1DWcA4a8uJtvwB+vF2BTQk1+MP1BuOEs4NAoGBAK3y
+HKdOUPBUPQ4vk4hhaMzcz/d67FB/UYo1lrrPm3aVCxnckHeECKIzgG6A58oIEor
HH4lMcgyD5C1wiLl3mvtXKlD8M5lkfoy2VToIukJomk783bnOXTCY/N12+X4cTYL
fS2k4vK24RiD8b25pFRP26ly+MkV/FBS46pBFsmhAoGAOjfl2vGyJo8CRQ/HBLsS
Bw2VQgRvZU7mom1qa2SKA2VlsFz/aiBCcT8XEsTJxkVYkvbdfbyx2Z9kCbI6Y2cz
Z+M/0rQSRv/eOiBW7anBImZMg6WcYNfRfumkuNq+6fcCKKtZuyrd7ZFc0jTcVasI
xNJ1TM6J6kRQdn5O6Ot4ERw=
-----END PRIVATE KEY-----`;

export const JAVA_MERCHANT_CERTIFICATE_PEM = `-----BEGIN CERTIFICATE-----
MIIDrTCCApWgAwIBAgIUXxxy4qiTG3Ki4Tr43ukkces5cRUwDQYJKoZIhvcNAQEL
BQAwZjELMAkGA1UEBhMCQ04xEjAQBgNVBAgMCUd1YW5nZG9uZzERMA8GA1UEBwwI
c2hlbnpoZW4xITAfBgNVBAoMGEludGVybmV0IFdpZGdpdHMgUHR5IEx0ZDENMAsG
A1UEAwwEdGVzdDAeFw0yMjA1MTAwMTU3MTBaFw0yNTA1MDkwMTU3MTBaMGYxCzAJ
BgNVBAYTAkNOMRIwEAYDVQQIDAlHdWFuZ2RvbmcxETAPBgNVBAcMCHNoZW56aGVu
MSEwHwYDVQQKDBhJbnRlcm5ldCBXaWRnaXRzIFB0eSBMdGQxDTALBgNVBAMMBHRl
c3QwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCaZzehUwzcxdLgGn/U
NryHLdX0yBvCqD0p92/BdlCIBi0dmzZzrfc+FF0xK70AP9b2+Ry5q+zXUU+dPucJ
mgwABiZ+Lte+4euMxqPCEkdEu9lyiphalpoaOVPbmDNatzq9k5a/P454QRWMdkLU
JZCeoL9bF2Gn/2+wWEw3sL8zFFcOM8Jr1PdOLmAx+h7pf/87jcmXXCm+SZqw5MtI
LKQi9zHWujYdMA0IcYNeQaNl1h/NUnungdIHKaaU+17wCXqTcZsipAGoqfqrHx/s
r30ZszOdHYOvFNiB+rhEldBGSLWwSYE6LFkbP9GdQWKIQCip3E5dLj5ZFkDeOv4H
ekf9AgMBAAGjUzBRMB0GA1UdDgQWBBQQicr3Vq+2NG2ykH0nxQxsct1RtTAfBgNV
HSMEGDAWgBQQicr3Vq+2NG2ykH0nxQxsct1RtTAPBgNVHRMBAf8EBTADAQH/MA0G
CSqGSIb3DQEBCwUAA4IBAQCH//ZlSAbc6xRlwKwwfbHMsVpAfo/p+Y3397Gi4sR8
RbsW6a3ezXhbiSGiJxDnerx9Cmp4K6U+D3Fl0N9K6CDWfwpGNiZvjmCxtM/wb7dM
u+4U0MXJGBcaePj4mtV/+qPxSWDCQ+PR5OcYRQnac9LfrffTuejQx5aw9FcD7egI
SYfgkZ/wgHyQcZyhh8s6DuigpEaVGMLLoWDZGJ3D+rt4kXk9y5+03KBB2vobyl6P
+PDgaYrlNR/UQMnKMdkgWp7bebmrcXte32/6FAwK3SuHZOSkteDtRCYhYfG5SGSr
go1ujfIK1zIFyPkKKnsgTUPJXwdC7LI+ZqJuWTyVTNj6
-----END CERTIFICATE-----`;

export const JAVA_WECHAT_PAY_PRIVATE_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDioFW6YBq3ehY9
1ZW5Tbh+RNUnuGfou+nqbh0Kr53+3Ef0ENoTbO1S24BhNv5Z66BWgNkqmGtBfm2K
yZCr9o3+um3K8FfzEIDOyZcWxhdYiyIb1x1TgUqTbbtqSnli7d3vhNdSMPKKPANq
alDYdlO7w7oJ7K65hjEdylbRWSRK1ogdfO2p8EZXwr0QzrtxtKYL6er4pj44ij2s
dlSQKdwuusF0d/n0iT8p1GwRTUTPNSo97l1VgOy6I/FZC9B/zxKAq7/7/XlgWKaW
kTJr092QJxNXTHL85IiKwgUd6TqP0iLmMu+qFXBpJr7nOSGutKrj9vXSRcuOHcg+
xMN6di3vAgMBAAECggEAZZ1hwxc7c4BU/7XIlBViv49KiixXvxWe/WQRNoznCXMo
+ikiNyqUwR210yEu7A/ITXEprr03/l5bbKsTaN+87HYYK7IXpV+FefMPAYGhzyxX
h2cteZdT4oYFzlOFWRPx+uc0CuDyp4PgPjNce6qWwe6xeKi88WfXlxV2VxkiukDe
JRiqvfOypDbs2oD8fRupBZdIrb30/88ABu1wDg/16/jabCf/fCEyLMfyoZTzrN4E
Dq0rLK7HFbAiVTa2Nc0mfV42rOz/BdFLbt6JfDML1A9NrfM9vNUjLu0rFGVIFXFt
Dc7d88j/xZyM463mCW/Ttmn+uR/UjttumOVaOm6jkQKBgQD3N2ni7vFmlBnzXuy3
wYAPH10GZDJwo5qpHsnp6Gs/VHQspnCZFu+FQMI7lADP1fhqyf8X5HRS7NVkdus3
SagrisFp/y1j1SKZBH7e7citsGsmEMLtrKTyh148FNS8VLTFCgbzdNwiPi/5UBD1
nfzSLGPFdnDBngzvIb91MgrfvwKBgQDqraQf/HTZIqkj3eMwyLS9GwZpQXZ3fVpj
XOw1crPpEXd/s098C5ahgSxdXjAsAVrh79Buz48ze4BWhM5t/Oh3eLDDgsW57q3y
WoMxX/39CRMe+DyFIl1RtCB/86iz0cjsYxeCnuF35FWyBHco8qsFgbDXtORp3I0v
94nqWPs90QKBgHi/Ph6zaoEZ0VsHgEN4ZZ39Sah3hBN0NXRpL2HqPYffLico3FJJ
24+QQ85pycO51O4D327CDPb76nZ5hwWoGlW6HiIxmu/qCE4I3hbwuVXsl0kuYqdH
7gDvkV1zJz0denXLIf4DlAm9qhzxuHbfRb86IzktUoGfOt4J88PAP4NtAoGBALnu
oV6GUr3GbGPyZRI9spUxWD8EkqvRMVAQS0V9f3VlVVxj4NHTDKEhCtleyqPS3wKr
UmS5JigP7Xqe9j7GZhhiEwqUDbxmkoK1m8P+3ekgy3l6C9kfhPg60pUNo9f0mlBP
okznPJQU4KCOUSqsOTu/qTD+LQqCp4odgbOelFBBAoGAJyhBwb2NN7Pia4CdN2Pd
ukN4ZYWH+ImhwHbuMB0ap633oKci8WpCBn1gEsvI8MiSQLoXGyY0NULt+4/zY6Qe
X0BhQOC+abKri6mKSJt61cKhmYeNZvQon/Y9lKAGTuOS/a4NiebKytmyArbHKZ3J
4iWXZYuCrKtcQEU4nAY/FgA=
-----END PRIVATE KEY-----`;

export const JAVA_WECHAT_PAY_PUBLIC_KEY_PEM = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA4qBVumAat3oWPdWVuU24
fkTVJ7hn6Lvp6m4dCq+d/txH9BDaE2ztUtuAYTb+WeugVoDZKphrQX5tismQq/aN
/rptyvBX8xCAzsmXFsYXWIsiG9cdU4FKk227akp5Yu3d74TXUjDyijwDampQ2HZT
u8O6CeyuuYYxHcpW0VkkStaIHXztqfBGV8K9EM67cbSmC+nq+KY+OIo9rHZUkCnc
LrrBdHf59Ik/KdRsEU1EzzUqPe5dVYDsuiPxWQvQf88SgKu/+/15YFimlpEya9Pd
kCcTV0xy/OSIisIFHek6j9Ii5jLvqhVwaSa+5zkhrrSq4/b10kXLjh3IPsTDenYt
7wIDAQAB
-----END PUBLIC KEY-----
`;
