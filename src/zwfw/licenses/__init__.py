"""统一电子证照: licence types, issuance with GB/T 36904 identifiers, the holder's wallet, verification."""
