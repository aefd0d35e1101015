"""Customer Relationship gained the figures lifecycle rules read (last invoice, overdue invoices, oldest
unpaid invoice and its due date): recompute every customer's figures, a chunk of customers per commit, so
the rules find them before the next nightly refresh."""

from crm_plus.touchpoints import relationship


def execute():
	relationship.refresh_all()
