"""The console's officer pages: the list and each officer's page and record (`officers`), their duty,
exemptions and certifications (`duty`), and the PIN letters (`pin_letters`)."""
