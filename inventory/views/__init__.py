"""The quartermaster console's inventory pages: dashboard, camera list, camera page and its actions, labels."""
