// Copyright 2026 the coro authors. Apache-2.0 license.
// How a failed TLS handshake is reported, shared by TlsClient and TlsServer.

import { statusOf } from "../_conn.ts";

// rustls reports a refused certificate as "invalid peer certificate: <why>"
// on the side that refused it, and the other side receives an alert naming
// the reason (UnknownCA, BadCertificate, DecryptError, ...).
const CERTIFICATE_ERROR =
  /certificate|UnknownCA|UnknownIssuer|NotValidForName|CertExpired|BadSignature|DecryptError/i;

/**
 * Classifies the error a TLS handshake failed with: a reset or a closed
 * connection as for reads and writes, then a refused certificate.
 */
export function handshakeStatus(
  error: unknown,
): "badCertificate" | "closed" | "reset" | "error" {
  const status = statusOf(error);
  if (status === "reset" || status === "closed") return status;
  if (error instanceof Error && CERTIFICATE_ERROR.test(error.message)) {
    return "badCertificate";
  }
  return "error";
}
