import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CertificateCredential } from "../../src/directory/graph/index.js";

/** A throwaway self-signed certificate and its key, made by openssl (not by the code under test). */
export function makeTestCertificate(name = "mfa-bot-test"): CertificateCredential {
  const dir = mkdtempSync(join(tmpdir(), "mfa-bot-cert-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
        "-days",
        "1",
        "-subj",
        `/CN=${name}`,
      ],
      { stdio: "ignore" },
    );
    return {
      privateKeyPem: readFileSync(join(dir, "key.pem"), "utf8"),
      certificatePem: readFileSync(join(dir, "cert.pem"), "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
