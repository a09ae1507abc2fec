// Copyright 2026 the coro authors. Apache-2.0 license.
// How a failed TLS handshake is reported, shared by TlsClient and TlsServer.

// rustls reports a refused certificate as "invalid peer certificate: <why>"
// on the side that refused it, and the other side receives an alert naming
// the reason (UnknownCA, BadCertificate, DecryptError, ...).
const CERTIFICATE_ERROR =
  /certificate|UnknownCA|UnknownIssuer|NotValidForName|CertExpired|BadSignature|DecryptError/i;

/** Classifies the error a TLS handshake failed with. */
export function handshakeStatus(
  error: unknown,
): "badCertificate" | "closed" | "reset" | "error" {
  if (
    error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.ConnectionAborted
  ) {
    return "reset";
  }
  if (
    error instanceof Deno.errors.UnexpectedEof ||
    error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.Interrupted ||
    error instanceof Deno.errors.BadResource ||
    error instanceof Deno.errors.NotConnected
  ) {
    return "closed";
  }
  if (error instanceof Error && CERTIFICATE_ERROR.test(error.message)) {
    return "badCertificate";
  }
  return "error";
}
