pytest_plugins = ["smartcity_dev.testing"]
