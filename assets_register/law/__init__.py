"""The statute as pure rules: period arithmetic ("beginning with", "after", months
by corresponding date), who may nominate and bid (Regulations 4-5), and the regimes the
register is seeded with. No models, no Django: the models enforce these rules.

May import: nothing.
"""
