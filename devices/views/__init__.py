"""The console's pages of signal devices and vehicles."""
