from channels.generic.websocket import AsyncWebsocketConsumer


class UpperConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None):
        if text_data == "bye":
            await self.close()
        else:
            await self.send(text_data=text_data.upper())
