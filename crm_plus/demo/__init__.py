"""The crm_plus demo: a small, realistic company whose customers walk through every lifecycle stage.

``bench --site SITE crm-plus demo`` builds it (``build.py``), ``--remove`` takes it away (``remove.py``).
Everything it makes is listed in a registry (``registry.py``) kept in the database, so removal knows
exactly what to take and a second run finds the demo already there.
"""
