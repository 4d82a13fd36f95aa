"""Throwaway certificate authorities and server certificates, made with the openssl CLI."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Authority", "ServerCert", "make_authority"]

_EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


@dataclass(frozen=True)
class ServerCert:
    cert: Path
    key: Path


@dataclass(frozen=True)
class Authority:
    """A CA (``ca_file`` to trust) that issues server certificates."""

    directory: Path
    ca_file: Path
    ca_key: Path

    def issue(self, name: str, *dns: str) -> ServerCert:
        """A server certificate for the DNS names ``dns`` (files named after ``name``)."""
        cert, key = self.directory / f"{name}.pem", self.directory / f"{name}.key"
        csr, ext = self.directory / f"{name}.csr", self.directory / f"{name}.ext"
        names = ",".join(f"DNS:{n}" for n in dns)
        ext.write_text(f"subjectAltName={names}\nextendedKeyUsage=serverAuth\n")
        _openssl("req", *_EC, "-keyout", str(key), "-out", str(csr), "-subj", f"/CN={dns[0]}")
        _openssl(
            "x509", "-req", "-in", str(csr), "-CA", str(self.ca_file), "-CAkey", str(self.ca_key),
            "-CAcreateserial", "-out", str(cert), "-days", "1", "-extfile", str(ext),
        )  # fmt: skip
        return ServerCert(cert, key)


def make_authority(directory: Path, name: str) -> Authority:
    directory.mkdir(parents=True, exist_ok=True)
    ca_file, ca_key = directory / f"{name}.pem", directory / f"{name}.key"
    _openssl(
        "req", "-x509", *_EC, "-keyout", str(ca_key), "-out", str(ca_file), "-days", "1",
        "-subj", f"/CN={name}", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    return Authority(directory, ca_file, ca_key)
