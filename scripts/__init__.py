"""Developer scripts: the README's screenshot, and the browser they share with the tests."""
