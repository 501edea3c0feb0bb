"""Staff roles (Quartermaster, Supervisor, Administrator): its own app because every console and report checks them."""
