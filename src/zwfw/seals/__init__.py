"""统一电子印章: the node's PKI, the seal registry, and signing and verification of data and PDFs."""
