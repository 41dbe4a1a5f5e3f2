// The ΚΕΠ video room (filled in below).
