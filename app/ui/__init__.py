"""The packing-station window and its dialogs (thin: no HTTP, no SQL, no Base64)."""
